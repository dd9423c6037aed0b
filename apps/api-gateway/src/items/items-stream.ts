import { StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cursorRows } from '@sid/shared/database';
import { CompiledQuery } from '@sid/shared/items';

/** Rows per FETCH, hence per chunk written: about what the gateway holds of one response. */
const ROWS_PER_CHUNK = 1000;

/**
 * A list read (`limit=-1`, or any large limit) answered as it is read: rows go from a
 * PostgreSQL cursor into the JSON response `{"data":[...],"meta":{...}}` one batch at a time,
 * the next batch fetched only once the client has taken the last (backpressure), so the
 * gateway's memory does not grow with the row count. Each row's `item` is the JSON text
 * PostgreSQL built: it is not parsed and serialised again.
 *
 * The first batch is read before anything is sent, so a failing statement is answered with the
 * usual error envelope; a failure after that cuts the connection (a truncated body never looks
 * complete). A client that goes away stops the cursor and frees its connection. With
 * `tenantAccount` the cursor reads as that tenant, under the row-level security policies.
 */
export async function streamItems(
  db: DataSource,
  { sql, params }: CompiledQuery,
  { meta, tenantAccount }: { meta?: Record<string, number>; tenantAccount?: string } = {},
): Promise<StreamableFile> {
  const batches = cursorRows(db, sql, params, { batchSize: ROWS_PER_CHUNK, tenantAccount });
  const first = await batches.next();
  const stream = Readable.from(jsonBody(first, batches, meta), { highWaterMark: 1 });
  return new StreamableFile(stream, { type: 'application/json; charset=utf-8' });
}

async function* jsonBody(
  first: IteratorResult<Record<string, string>[], void>,
  rest: AsyncGenerator<Record<string, string>[], void, undefined>,
  meta: Record<string, number> | undefined,
): AsyncGenerator<string, void, undefined> {
  try {
    yield '{"data":[';
    if (!first.done) {
      yield first.value.map((row) => row.item).join(',');
      for await (const rows of rest) yield `,${rows.map((row) => row.item).join(',')}`;
    }
    yield listEnd(meta);
  } finally {
    // Stopped before the cursor was read to its end: let it roll back and free its connection.
    await rest.return(undefined);
  }
}

/** A list's whole body, `{"data":[...]}` and its meta, around items that are JSON text already. */
export function listBody(items: string[], meta?: Record<string, number>): string {
  return `{"data":[${items.join(',')}${listEnd(meta)}`;
}

function listEnd(meta: Record<string, number> | undefined): string {
  return meta ? `],"meta":${JSON.stringify(meta)}}` : ']}';
}
