import { Logger } from '@nestjs/common';
import { Client, ClientConfig } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

const clientLogger = new Logger('PostgreSQL');

/**
 * Every connection of the pool listens for its own `error` event, always. The pool listens only
 * while a client is idle, and TypeORM's query runner stops at the first error; a connection
 * that errs while lent out with no query running (the server terminated it, a COPY refused as its
 * stream is torn down) would otherwise throw an unhandled 'error' event and end the process (seen
 * in the chaos run, twice). The query or stream in flight still gets its own error; a broken
 * client is not queryable and the pool drops it when it is released.
 */
export class GuardedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', (error: Error) =>
      clientLogger.warn(`connection error (the connection is dropped): ${error.message}`),
    );
  }
}

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  entities?: DataSourceOptions['entities'];
}

/** TypeORM options shared by the apps, the migration command and the tests. */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize: options.poolSize ?? 10,
    // Timestamps leave the database in UTC whatever the server's time zone.
    extra: { options: '-c TimeZone=UTC', Client: GuardedClient },
  };
}

/** Applies every pending migration; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions({ url, poolSize: 2 }) });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
