import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

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
    extra: { options: '-c TimeZone=UTC' },
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
