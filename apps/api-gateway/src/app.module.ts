import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AccountsModule } from '@sid/accounts';
import { CatalogModule, DomainWriter, OrganisationWriter, ProductWriter } from '@sid/catalog';
import { CodePoolWriter, CodesModule, IdentifierJobWriter } from '@sid/codes';
import { ExportsModule } from '@sid/exports';
import { IngestionModule } from '@sid/ingestion';
import { CodeReservationWriter, ReservationsModule, UniqueCodeWriter } from '@sid/reservations';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule } from '@sid/shared/database';
import { LoggingModule } from '@sid/shared/observability';
import { COLLECTION_WRITERS, CollectionWriter } from '@sid/shared/items';
import { QueueModule } from '@sid/shared/queue';
import { StorageModule } from '@sid/shared/storage';
import { AuthController } from './auth/auth.controller';
import { WebhooksModule, WebhookWriter } from '@sid/webhooks';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { TenantScopeInterceptor } from './auth/tenant-scope.interceptor';
import { PublicErrorFilter } from './errors/public-error.filter';
import { FilesController } from './files/files.controller';
import { GraphqlItemsResolver } from './graphql/graphql-items.resolver';
import { GraphqlController } from './graphql/graphql.controller';
import { GraphqlService } from './graphql/graphql.service';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { ItemsReadService } from './items/items-read.service';
import { ItemsController } from './items/items.controller';
import { ServerController } from './server/server.controller';
import { MetricsController } from './ops/metrics.controller';
import { UsersController } from './users/users.controller';
import { RedisHealthIndicator } from './server/redis.health';
import { ItemReferenceRepository } from './items/item-reference.repository';
import { WriteGuard } from './items/write-guard';
import { RateLimits } from './security/rate-limits.service';
import { OpenApiService } from './openapi/openapi.service';
import { IngestionController } from './scantrust/ingestion.controller';
import { WorkordersController } from './scantrust/workorders.controller';

const WRITERS = [
  ProductWriter,
  OrganisationWriter,
  DomainWriter,
  IdentifierJobWriter,
  UniqueCodeWriter,
  CodeReservationWriter,
  CodePoolWriter,
  WebhookWriter,
];

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    QueueModule.forRoot(),
    StorageModule,
    TerminusModule,
    AccountsModule,
    CatalogModule,
    CodesModule,
    ReservationsModule,
    ExportsModule,
    IngestionModule,
    WebhooksModule,
  ],
  controllers: [
    ServerController,
    ItemsController,
    FilesController,
    UsersController,
    GraphqlController,
    AuthController,
    IngestionController,
    WorkordersController,
    MetricsController,
  ],
  providers: [
    ItemsReadService,
    GraphqlItemsResolver,
    GraphqlService,
    RedisHealthIndicator,
    OpenApiService,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_FILTER, useClass: PublicErrorFilter },
    ItemReferenceRepository,
    WriteGuard,
    RateLimits,
    // Global interceptors run in this order: the tenant's scope around everything else.
    { provide: APP_INTERCEPTOR, useClass: TenantScopeInterceptor },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    {
      provide: COLLECTION_WRITERS,
      inject: [WriteGuard, ...WRITERS],
      // Every writer behind the one gate of column limits and tenant references (write-guard.ts).
      useFactory: (guard: WriteGuard, ...writers: CollectionWriter[]) =>
        writers.map((writer) => guard.wrap(writer)),
    },
  ],
})
export class AppModule {}
