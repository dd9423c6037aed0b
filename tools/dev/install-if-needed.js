#!/usr/bin/env node
// Installs dependencies when node_modules is missing or older than package-lock.json, so that
// `npm start` and `npm test` work as the first commands on a fresh machine. Node built-ins only.
//
// `npm ci`: exactly what the committed lockfile pins, and a refusal when package.json and the
// lockfile disagree (so CI fails on a lockfile that is out of sync instead of rewriting it). The
// lockfile lists every platform's optional binaries, so `git status` stays clean after it.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

function installIfNeeded() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs)
    return;
  console.log('Installing dependencies (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

module.exports = { installIfNeeded };
if (require.main === module) installIfNeeded();
