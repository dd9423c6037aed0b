#!/usr/bin/env node
// Production build: compiles every TypeScript file of apps/ and libs/ to dist/ with @swc/core,
// keeping the source tree (apps/api-gateway/src/main.ts -> dist/apps/api-gateway/src/main.js).
// The repo's .swcrc is used as is, except that baseUrl is made absolute so that swc rewrites the
// `@sid/...` aliases (jsc.paths) into relative requires that work from dist/.
// Test files and the e2e app are not built; non-TypeScript files under a src/ folder (templates,
// JSON, static assets) are copied beside the compiled code.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS Node script */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'dist');
const sourceRoots = ['apps', 'libs'];
const skippedFile = /\.(spec|int-spec|e2e-spec)\.ts$|\.d\.ts$/;
const skippedDir = new Set(['node_modules', '__fixtures__', '__snapshots__']);
const isTestOnlyProject = (dir) => /-e2e$/.test(dir);

function swcOptions() {
  const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  delete swcrc.$schema;
  swcrc.jsc.baseUrl = root;
  return { ...swcrc, swcrc: false, configFile: false };
}

function* walk(dir, insideSrc) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (skippedDir.has(entry.name) || isTestOnlyProject(entry.name)) continue;
      yield* walk(full, insideSrc || entry.name === 'src');
    } else if (entry.isFile() && (entry.name.endsWith('.ts') || insideSrc)) {
      yield full;
    }
  }
}

async function compile(file, options) {
  const rel = path.relative(root, file);
  const target = path.join(outDir, rel.replace(/\.ts$/, '.js'));
  const output = await swc.transformFile(file, {
    ...options,
    filename: file,
    sourceFileName: path.relative(path.dirname(target), file),
  });
  const leftover = /require\(["']@sid\/[^"']*["']\)/.exec(output.code);
  if (leftover) {
    throw new Error(`unresolved alias ${leftover[0]}: add it to jsc.paths in .swcrc`);
  }
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  let code = output.code;
  if (output.map) {
    await fs.promises.writeFile(`${target}.map`, output.map);
    code += `\n//# sourceMappingURL=${path.basename(target)}.map\n`;
  }
  await fs.promises.writeFile(target, code);
}

async function copy(file) {
  const target = path.join(outDir, path.relative(root, file));
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.copyFile(file, target);
}

async function main() {
  const started = Date.now();
  const options = swcOptions();
  fs.rmSync(outDir, { recursive: true, force: true });

  const files = sourceRoots
    .map((dir) => path.join(root, dir))
    .filter((dir) => fs.existsSync(dir))
    .flatMap((dir) => [...walk(dir, false)]);
  const sources = files.filter((f) => f.endsWith('.ts') && !skippedFile.test(f));
  const assets = files.filter((f) => !f.endsWith('.ts'));

  const failures = [];
  await Promise.all([
    ...sources.map((f) =>
      compile(f, options).catch((err) => failures.push(`${path.relative(root, f)}: ${err}`)),
    ),
    ...assets.map((f) => copy(f)),
  ]);
  if (failures.length > 0) {
    console.error(failures.join('\n'));
    console.error(`build failed: ${failures.length} file(s) did not compile`);
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(2);
  console.log(`built ${sources.length} files (+${assets.length} assets) to dist/ in ${seconds}s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
