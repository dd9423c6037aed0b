import { DataSource } from 'typeorm';

/** One statement as the gateway sent it to PostgreSQL. */
export interface SentQuery {
  sql: string;
  params: unknown[];
}

/**
 * Records every statement the gateway sends through its DataSource while `work` runs (the item
 * reads, their counts, the GraphQL resolvers' reads all go through `DataSource.query`).
 */
export async function captureQueries(
  db: DataSource,
  work: () => Promise<unknown>,
): Promise<SentQuery[]> {
  const sent: SentQuery[] = [];
  const original = db.query.bind(db);
  const spy = jest
    .spyOn(db, 'query')
    .mockImplementation(async (sql: string, params?: unknown[], ...rest: unknown[]) => {
      sent.push({ sql, params: params ?? [] });
      return (original as (...args: unknown[]) => Promise<unknown>)(sql, params, ...rest);
    });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return sent;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Filter?: string;
  'Index Cond'?: string;
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
 * Runs `EXPLAIN (ANALYZE, FORMAT JSON)` of one sent statement with its own parameters (so the plan
 * is the custom plan the gateway's unnamed statement gets) and returns what breaks the rules,
 * each problem naming the scan, what it filtered and the index that would serve it.
 */
export async function planProblems(
  db: DataSource,
  query: SentQuery,
  rules: PlanRules,
): Promise<string[]> {
  const rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[] = await db.query(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`,
    query.params,
  );
  const problems: string[] = [];
  const visit = (node: PlanNode): void => {
    if (node['Relation Name'] === rules.table) problems.push(...nodeProblems(node, rules));
    node.Plans?.forEach(visit);
  };
  visit(rows[0]['QUERY PLAN'][0].Plan);
  return problems;
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
