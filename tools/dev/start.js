#!/usr/bin/env node
// `npm start`: everything on one machine, for a newcomer or a demo.
//   1. installs dependencies when node_modules is missing or older than package-lock.json;
//   2. makes sure PostgreSQL and Redis answer (starting the machine's own services if they are down);
//   3. applies the database migrations;
//   4. starts an embedded S3 (s3rver, data in tmp/s3) unless S3_ENDPOINT points at a real one;
//   5. runs the gateway and the three workers, their logs prefixed with their names.
// Ctrl-C stops everything. Every setting can be overridden through the environment (see README).
'use strict';
const { spawn, spawnSync, execSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { installIfNeeded } = require('./install-if-needed');

const root = path.resolve(__dirname, '../..');
const APPS = ['api-gateway', 'generator-worker', 'reservation-worker', 'export-worker'];

function log(message) {
  console.log(`\x1b[1m[start]\x1b[0m ${message}`);
}

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(1500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function ensureService(name, url, defaultPort, startCommand) {
  if (await reachable(url, defaultPort)) return;
  log(`${name} is not answering at ${url}; trying to start the local one...`);
  try {
    execSync(startCommand, { stdio: 'inherit', shell: '/bin/bash' });
  } catch {
    // reported below
  }
  for (let i = 0; i < 30; i++) {
    if (await reachable(url, defaultPort)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(`${name} is not reachable at ${url}. Start it, or point the URL setting at one.`);
  process.exit(1);
}

function prefixed(name, color, stream) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop();
    for (const line of lines)
      process.stdout.write(`\x1b[${color}m${name.padEnd(18)}\x1b[0m ${line}\n`);
  });
}

async function main() {
  installIfNeeded();
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV || 'development',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/sid',
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    ADMIN_EMAIL: process.env.ADMIN_EMAIL || 'admin@example.com',
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || 'dev-admin-token-change-me',
    PORT: process.env.PORT || '8055',
    // The SDK's notice that its 2027 releases need Node 22: known (see README), not news at every start.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  await ensureService(
    'PostgreSQL',
    env.DATABASE_URL,
    5432,
    'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  );
  await ensureService(
    'Redis',
    env.REDIS_URL,
    6379,
    'mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  );

  log('applying database migrations...');
  const migrate = spawnSync(
    process.execPath,
    ['-r', '@swc-node/register', 'libs/shared/database/src/cli/migrate.ts'],
    { cwd: root, env, stdio: 'inherit' },
  );
  if (migrate.status !== 0) process.exit(migrate.status ?? 1);

  require('@swc-node/register');
  let localS3;
  if (!env.S3_ENDPOINT) {
    const {
      startLocalS3,
      LOCAL_S3_CREDENTIALS,
    } = require('../../libs/shared/testing/src/local-s3.ts');
    const directory = path.join(root, 'tmp', 's3');
    fs.mkdirSync(directory, { recursive: true });
    localS3 = await startLocalS3({ port: Number(process.env.LOCAL_S3_PORT || 4569), directory });
    env.S3_ENDPOINT = localS3.endpoint;
    env.S3_ACCESS_KEY_ID = LOCAL_S3_CREDENTIALS.accessKeyId;
    env.S3_SECRET_ACCESS_KEY = LOCAL_S3_CREDENTIALS.secretAccessKey;
    env.S3_FORCE_PATH_STYLE = 'true';
    log(`embedded S3 (s3rver) at ${localS3.endpoint}, data in tmp/s3`);
  }

  const children = APPS.map((app, i) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixed(app, 31 + i, child.stdout);
    prefixed(app, 31 + i, child.stderr);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        log(`${app} exited (${signal ?? code}); stopping everything`);
        stop(1);
      }
    });
    return child;
  });

  let stopping = false;
  async function stop(code = 0) {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) => new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r))),
      ),
    );
    if (localS3) await localS3.stop();
    process.exit(code);
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  await untilUp(`http://localhost:${env.PORT}/server/ping`);
  log(`API on http://localhost:${env.PORT}  (token: Authorization: Bearer ${env.ADMIN_TOKEN})`);
  log(
    `queue dashboard on http://localhost:${env.PORT}/admin/queues?access_token=${env.ADMIN_TOKEN}`,
  );
}

/** Waits (up to a minute) until `url` answers, so that "API on ..." is printed once it is true. */
async function untilUp(url) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log(`${url} does not answer yet; see the api-gateway lines above`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
