import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { dataSourceOptions } from './data-source';
import { setPreparedStatementCapacity } from './prepared-statements';
import { scopeConnections } from './tenant-scope';

/**
 * The one PostgreSQL pool of a process. Domain modules register their entities with
 * `TypeOrmModule.forFeature`; `autoLoadEntities` collects them. Migrations are not run here:
 * `npm run db:migrate` (or the Kubernetes Job) does that once, before the apps start.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        setPreparedStatementCapacity(config.DATABASE_PREPARED_STATEMENTS);
        return {
          ...dataSourceOptions({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
          autoLoadEntities: true,
        };
      },
      // A partner request's connections run as its tenant (asTenant); everyone else's as the owner.
      dataSourceFactory: async (options) => scopeConnections(new DataSource(options!)),
    }),
  ],
})
export class DatabaseModule {}
