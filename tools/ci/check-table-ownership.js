#!/usr/bin/env node
// Keeps the data boundaries where the import boundaries are: reads the ownership map
// (tools/ci/table-ownership.js) and fails, naming file and line, when production code of one
// project writes (INSERT, UPDATE, DELETE, TRUNCATE, COPY ... FROM) or locks (FOR UPDATE / SHARE,
// LOCK TABLE) a table another project owns, or when a migration creates a table with no owner.
// Reads stay free: any lib may join any table it can see, and so does FOR KEY SHARE, the lock a
// foreign key takes on the rows it references (the generator takes it for a chunk's parents). Test code (specs, `testing/` folders,
// the shared-testing lib) and migrations are not checked. SQL keywords are matched in upper case,
// as the project writes them, so prose in strings ("update the product") is not mistaken for SQL.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS Node script */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { TABLE_OWNERS } = require('./table-ownership');

const root = path.resolve(__dirname, '..', '..');
const MIGRATIONS = 'libs/shared/database/src/migrations';

/** The Nx project a repository path belongs to (`libs/shared/items/...` is `shared-items`). */
function projectOf(relPath) {
  const parts = relPath.split(/[\\/]/);
  if (parts[0] === 'libs' && parts[1] === 'shared') return `shared-${parts[2]}`;
  if (parts[0] === 'libs' || parts[0] === 'apps') return parts[1];
  return null;
}

/** Production TypeScript: not a spec, a test helper, a migration or the testing lib. */
function isCheckedFile(relPath) {
  const p = relPath.split(path.sep).join('/');
  if (!/^(apps|libs)\//.test(p) || !p.endsWith('.ts')) return false;
  if (/\.(spec|int-spec|e2e-spec)\.ts$/.test(p)) return false;
  if (p.includes('/testing/') || p.startsWith('libs/shared/testing/')) return false;
  if (p.startsWith(`${MIGRATIONS}/`)) return false;
  return projectOf(p) !== null;
}

/** Blanks out comments (keeping every newline, so that offsets still give line numbers). */
function stripComments(text) {
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  return text.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/^[ \t]*\/\/.*$/gm, blank);
}

const IDENT = '"?([a-z_][a-z0-9_]*)"?';
const WRITES = [
  { verb: 'INSERT', re: new RegExp(`\\bINSERT\\s+INTO\\s+${IDENT}`, 'g') },
  { verb: 'DELETE', re: new RegExp(`\\bDELETE\\s+FROM\\s+(?:ONLY\\s+)?${IDENT}`, 'g') },
  { verb: 'TRUNCATE', re: new RegExp(`\\bTRUNCATE\\s+(?:TABLE\\s+)?${IDENT}`, 'g') },
  { verb: 'COPY', re: new RegExp(`\\bCOPY\\s+${IDENT}\\s*(?:\\([^)]*\\))?\\s+FROM\\b`, 'g') },
  { verb: 'LOCK', re: new RegExp(`\\bLOCK\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?${IDENT}`, 'g') },
];
const UPDATE = new RegExp(`\\bUPDATE\\s+(?:ONLY\\s+)?${IDENT}`, 'g');
const ROW_LOCK = /\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|SHARE)\b(?:\s+OF\s+([a-z_][a-z0-9_]*))?/g;
const SOURCE = /\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?(?:\s+(?:AS\s+)?([a-z_][a-z0-9_]*))?/g;

/** The table a row lock (`FOR UPDATE [OF alias]`) at `at` locks, read back to its string's start. */
function lockedTable(text, at, alias) {
  const start = Math.max(text.lastIndexOf('`', at - 1), text.lastIndexOf("'", at - 1), 0);
  const sources = [...text.slice(start, at).matchAll(SOURCE)].map((m) => ({
    table: m[1],
    alias: m[2],
  }));
  if (alias) {
    const named = sources.filter((s) => s.alias === alias || s.table === alias);
    return named.length > 0 ? named[named.length - 1].table : null;
  }
  return sources.length > 0 ? sources[sources.length - 1].table : null;
}

/** Every write or lock of a table in `text`: `{ verb, table, index }`. */
function tableAccesses(text) {
  const code = stripComments(text);
  const found = [];
  for (const { verb, re } of WRITES) {
    for (const m of code.matchAll(re)) found.push({ verb, table: m[1], index: m.index });
  }
  for (const m of code.matchAll(UPDATE)) {
    // `FOR UPDATE`, `FOR NO KEY UPDATE`, `DO UPDATE SET` and `ON UPDATE` are not updates of a table.
    if (/\b(FOR|KEY|DO|ON)\s+$/.test(code.slice(Math.max(0, m.index - 8), m.index))) continue;
    found.push({ verb: 'UPDATE', table: m[1], index: m.index });
  }
  for (const m of code.matchAll(ROW_LOCK)) {
    const table = lockedTable(code, m.index, m[1]);
    if (table) found.push({ verb: m[0].split(/\s+OF\s+/)[0], table, index: m.index });
  }
  return found.sort((a, b) => a.index - b.index);
}

function lineAt(text, index) {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The writes and locks in `files` ({ path, text }, paths relative to the repository) of tables
 * their project does not own: one message per offence, `path:line: ...`.
 */
function findViolations(files, owners = TABLE_OWNERS) {
  const problems = [];
  for (const { path: file, text } of files) {
    if (!isCheckedFile(file)) continue;
    const project = projectOf(file);
    for (const { verb, table, index } of tableAccesses(text)) {
      const entry = owners[table];
      if (!entry || entry.owner === project || entry.sharedWith?.[project]) continue;
      problems.push(
        `${file}:${lineAt(text, index)}: ${project} ${verb} on "${table}", which ${entry.owner} owns: call its ${entry.repository}`,
      );
    }
  }
  return problems;
}

/** Tables the migrations create that the map gives no owner. */
function unownedTables(migrationTexts, owners = TABLE_OWNERS) {
  const created = new Set();
  for (const text of migrationTexts) {
    for (const m of text.matchAll(
      /\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)/g,
    ))
      created.add(m[1]);
  }
  return [...created]
    .filter((table) => !owners[table])
    .map((table) => `${MIGRATIONS}: table "${table}" has no owner in tools/ci/table-ownership.js`);
}

function listFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...listFiles(rel));
    } else out.push(rel);
  }
  return out;
}

/** Every problem of the repository's tree; `count` is how many files were read. */
function checkTree() {
  const files = [...listFiles('apps'), ...listFiles('libs')]
    .filter(isCheckedFile)
    .map((file) => ({ path: file, text: fs.readFileSync(path.join(root, file), 'utf8') }));
  const migrations = listFiles(MIGRATIONS)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => fs.readFileSync(path.join(root, file), 'utf8'));
  return {
    count: files.length,
    problems: [...unownedTables(migrations), ...findViolations(files)],
  };
}

function main() {
  const { count, problems } = checkTree();
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`table ownership: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`table ownership: ${count} files, every write and lock by its table's owner`);
}

module.exports = {
  checkTree,
  findViolations,
  unownedTables,
  tableAccesses,
  projectOf,
  isCheckedFile,
};

if (require.main === module) main();
