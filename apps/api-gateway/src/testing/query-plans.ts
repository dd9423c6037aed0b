import { Client, escapeLiteral, PoolClient, QueryConfig } from 'pg';
import { DataSource } from 'typeorm';
import { connectionScope, inPgTransaction, inTenantTransaction } from '@sid/shared/database';

// pg's own conversion of a bind value to the text it sends (not exported from 'pg' itself).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

/** One statement as the gateway sent it to PostgreSQL. */
export interface SentQuery {
  sql: string;
  params: unknown[];
  /**
   * The account of the tenant transaction (role sid_tenant, row-level security) the statement
   * ran in: a partner's reads. Undefined for a statement sent with the process's own rights.
   */
  tenant?: string;
}

type ClientQuery = (this: Client, ...args: unknown[]) => unknown;

/** The statement `inTenantTransaction` opens a tenant transaction with. */
const ENTERS_TENANT = /set_config\('sid\.account', \$1, true\)/;
const ENDS_TRANSACTION = /^\s*(COMMIT|ROLLBACK)\b/i;

/**
 * Records every statement the gateway sends while `work` runs, at the `pg` client every path
 * ends in: TypeORM's `DataSource.query` and the raw clients of `inTenantTransaction`. A partner's
 * statements run as the tenant role with its account set, for their connection's session (the
 * request's scope, tenant-scope.ts) or their transaction; each carries that account, so that its
 * plan is explained the way it ran.
 */
export async function captureQueries(work: () => Promise<unknown>): Promise<SentQuery[]> {
  const sent: SentQuery[] = [];
  const tenantOf = new WeakMap<Client, string>();
  const original = Client.prototype.query as unknown as ClientQuery;
  const spy = jest
    .spyOn(Client.prototype as unknown as { query: ClientQuery }, 'query')
    .mockImplementation(function (this: Client, ...args: unknown[]) {
      const [config, values] = args;
      const named = typeof config === 'string' ? null : (config as QueryConfig | null);
      const sql = named ? named.text : config;
      if (typeof sql === 'string') {
        const params = Array.isArray(values) ? values : (named?.values ?? []);
        if (ENTERS_TENANT.test(sql)) tenantOf.set(this, String(params[0]));
        else if (ENDS_TRANSACTION.test(sql)) tenantOf.delete(this);
        else {
          const tenant = tenantOf.get(this) ?? connectionScope(this as PoolClient);
          sent.push({ sql, params, tenant });
        }
      }
      return original.apply(this, args);
    });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return sent;
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Filter?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

export interface PlanRules {
  /** The table whose scans are checked. */
  table: string;
  /** A page of rows: a scan may filter away at most this many (all loops together). */
  page: number;
  /**
   * For statements that return a page (not counts or aggregates): the most rows one scan of the
   * table may produce, so that a plan sorting a whole job to return 100 codes fails too.
   */
  maxRowsRead?: number;
}

/**
 * Which plan of a statement to explain: `custom`, planned for its own parameters (what an unnamed
 * statement gets, and a prepared one for its first runs), or `generic`, planned for any values
 * (what PostgreSQL may keep for a prepared statement once it finds it no costlier).
 */
export type PlanKind = 'custom' | 'generic';

/** Names the generic plans' statements apart (a failed one stays prepared on its connection). */
let explained = 0;

/**
 * `EXPLAIN (ANALYZE, FORMAT JSON)` of one sent statement with its own parameters, as its `kind`
 * of plan, run the way the statement ran: a partner's inside `inTenantTransaction`, as the tenant
 * role under its row-level security policies. The generic plan is the one `EXECUTE` of the
 * statement, prepared, gets under `plan_cache_mode = force_generic_plan`.
 */
export async function explain(
  db: DataSource,
  query: SentQuery,
  kind: PlanKind = 'custom',
): Promise<PlanNode> {
  type Rows = { 'QUERY PLAN': { Plan: PlanNode }[] }[];
  const run = async (client: PoolClient): Promise<Rows> => {
    if (kind === 'custom') {
      return (await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`, query.params)).rows;
    }
    // EXECUTE takes no bind parameters: the values go in as literals, in the text form pg sends.
    const name = `explained_${++explained}`;
    await client.query(`PREPARE ${name} AS ${query.sql}`);
    await client.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
    const args = query.params
      .map((value) => {
        const text = prepareValue(value) as string | null;
        return text === null ? 'NULL' : escapeLiteral(text);
      })
      .join(', ');
    const execute = `EXECUTE ${name}${args ? `(${args})` : ''}`;
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${execute}`);
    await client.query(`DEALLOCATE ${name}`);
    return rows;
  };
  const rows = query.tenant
    ? await inTenantTransaction(db, query.tenant, run)
    : await inPgTransaction(db, run);
  return rows[0]['QUERY PLAN'][0].Plan;
}

/** The row-level security policy's test, as PostgreSQL prints it in a plan. */
const TENANT_POLICY = "current_setting('sid.account'";

/**
 * Explains one sent statement (see `explain`) and returns what breaks the rules, each problem
 * naming the scan, what it filtered and the index that would serve it. A tenant's statement must
 * also show the row-level security policy on every scan of the table: without it, the plan
 * checked is not the one the partner's read gets.
 */
export async function planProblems(
  db: DataSource,
  query: SentQuery,
  rules: PlanRules,
  kind: PlanKind = 'custom',
): Promise<string[]> {
  const problems: string[] = [];
  const indexScans: PlanNode[] = [];
  const visit = (node: PlanNode): void => {
    if (node['Relation Name'] === rules.table) {
      problems.push(...nodeProblems(node, rules));
      const tests = [node['Index Cond'], node['Recheck Cond'], node.Filter].join(' ');
      if (query.tenant && !tests.includes(TENANT_POLICY)) {
        problems.push(
          `${node['Node Type']} of ${rules.table} ran without the tenant's row-level security policy: explain it inside inTenantTransaction`,
        );
      }
    }
    if (node['Index Name'] && node['Index Cond']) indexScans.push(node);
    node.Plans?.forEach(visit);
  };
  visit(await explain(db, query, kind));
  for (const node of indexScans) {
    const index = await leadingColumn(db, node['Index Name'] as string);
    if (!index || index.table !== rules.table || index.column === null) continue;
    const columns = columnsOf(node['Index Cond'] as string);
    if (!columns.includes(index.column)) {
      problems.push(
        `${node['Node Type']} using ${node['Index Name']} walks the whole index: ${node['Index Cond']} does not test its first column, ${index.column}: add an index on ${rules.table} (${[...columns, 'id'].join(', ')})`,
      );
    }
  }
  return problems;
}

/**
 * The table of an index and its first column (null for an expression). An index scan whose
 * condition leaves the first column out reads every entry of the index (the unique key
 * (product, type, code) "serving" `code = $1`): its plan shows one row read and none filtered.
 */
async function leadingColumn(
  db: DataSource,
  index: string,
): Promise<{ table: string; column: string | null } | undefined> {
  const [row] = (await db.query(
    `SELECT t.relname AS table, a.attname AS column
     FROM pg_index i
     JOIN pg_class x ON x.oid = i.indexrelid
     JOIN pg_class t ON t.oid = i.indrelid
     LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE x.relname = $1`,
    [index],
  )) as { table: string; column: string | null }[];
  return row;
}

function nodeProblems(node: PlanNode, rules: PlanRules): string[] {
  const loops = node['Actual Loops'] ?? 1;
  const removed =
    ((node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops;
  const read = (node['Actual Rows'] ?? 0) * loops;
  const scan = node['Index Name']
    ? `${node['Node Type']} using ${node['Index Name']}`
    : node['Node Type'];
  const conditions = [node['Index Cond'], node.Filter].filter(Boolean).join(' AND ');
  const columns = columnsOf(conditions);
  const advice = `add an index on ${rules.table} (${columns.length > 0 ? columns.join(', ') : '<the filtered columns>'}${
    columns.includes('id') ? '' : ', id'
  })`;
  const problems: string[] = [];
  if (node['Node Type'] === 'Seq Scan') {
    problems.push(
      `sequential scan of ${rules.table}${node.Filter ? ` filtering ${node.Filter}` : ''} (${removed} rows filtered away): ${advice}`,
    );
  } else if (removed > rules.page) {
    problems.push(
      `${scan} filters away ${removed} rows (more than a page of ${rules.page}) with ${node.Filter ?? 'a recheck'}: ${advice}`,
    );
  }
  if (rules.maxRowsRead !== undefined && read > rules.maxRowsRead) {
    problems.push(
      `${scan} reads ${read} rows${conditions ? ` for ${conditions}` : ''} to answer one page: ${advice} so that the index order serves ORDER BY and LIMIT`,
    );
  }
  return problems;
}

/** The column names in a plan's condition text, e.g. `(t0.code = $2)` → ['code']. */
export function columnsOf(condition: string): string[] {
  const names = new Set<string>();
  for (const match of condition.matchAll(
    /\b(?:t\d+\.)?"?([a-z_][a-z0-9_]*)"?\s*(?:=|<>|~~|IS\b)/g,
  )) {
    if (!['text', 'uuid', 'any', 'all'].includes(match[1])) names.add(match[1]);
  }
  return [...names];
}
