#!/usr/bin/env node
// Installs dependencies when node_modules is missing or older than package-lock.json, so that
// `npm start` and `npm test` work as the first commands on a fresh machine. Node built-ins only.
//
// `npm install`, not `npm ci`: the registry reachable here serves only this platform's optional
// binaries (e.g. @swc/core-linux-x64-gnu), so the lockfile lacks the others and `npm ci` refuses it;
// `npm install` installs exactly what the lockfile pins for this platform.
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
  console.log('Installing dependencies (npm install)...');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

module.exports = { installIfNeeded };
if (require.main === module) installIfNeeded();
