import { transformFile } from '@swc/core';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './bench-processes';

const SKIPPED_FILE = /\.(spec|int-spec|e2e-spec)\.ts$|\.d\.ts$/;

export interface BenchBuild {
  /** Holds `apps/<app>/src/main.js` etc., as `dist/` does. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * Compiles apps/ and libs/ the way `npm run build` (tools/build/build.js) does, with the repo's
 * .swcrc and the `@sid/...` aliases made relative, but into `tmp/<name>/` (gitignored) rather
 * than `dist/`, which others may be using. Lets a bench run a worker as it is deployed
 * (`node dist/apps/<app>/src/main.js`), without the TypeScript compiler that
 * `@swc-node/register` keeps in memory.
 */
export async function buildApps(name: string): Promise<BenchBuild> {
  const dir = join(ROOT, 'tmp', name);
  const swcrc = JSON.parse(readFileSync(join(ROOT, '.swcrc'), 'utf8'));
  delete swcrc.$schema;
  swcrc.jsc.baseUrl = ROOT;
  const sources = ['apps', 'libs'].flatMap((top) => [...walk(join(ROOT, top))]);
  await Promise.all(
    sources.map(async (file) => {
      const target = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
      const output = await transformFile(file, {
        ...swcrc,
        swcrc: false,
        configFile: false,
        sourceMaps: false,
        filename: file,
      });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, output.code);
    }),
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.endsWith('-e2e')) yield* walk(full);
    } else if (entry.name.endsWith('.ts') && !SKIPPED_FILE.test(entry.name)) {
      yield full;
    }
  }
}
