#!/usr/bin/env node
'use strict';
// The compiled CLI (`npm ci` builds it through the `prepare` script; `npm run build` after edits).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('leadstage: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
const { runCli } = require(entry);
runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`leadstage: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
