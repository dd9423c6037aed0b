import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@sid/shared/config';
import { dataSourceOptions } from './data-source';

/**
 * The one PostgreSQL pool of a process. Domain modules register their entities with
 * `TypeOrmModule.forFeature`; `autoLoadEntities` collects them. Migrations are not run here:
 * `npm run db:migrate` (or the Kubernetes Job) does that once, before the apps start.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        autoLoadEntities: true,
      }),
    }),
  ],
})
export class DatabaseModule {}
