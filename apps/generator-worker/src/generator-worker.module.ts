import { Module } from '@nestjs/common';
import {
  CodePoolHealthRepository,
  CodesModule,
  CodeTallyRepository,
  PoolHealthMetrics,
  TallyCompaction,
} from '@sid/codes';
import { IngestionModule } from '@sid/ingestion';
import { ConfigModule } from '@sid/shared/config';
import { EventsModule } from '@sid/shared/events';
import { DatabaseModule } from '@sid/shared/database';
import { LoggingModule } from '@sid/shared/observability';
import { QueueModule } from '@sid/shared/queue';
import { StorageModule } from '@sid/shared/storage';
import { CodeIngestionProcessor } from './code-ingestion.processor';
import { CodeIngestionSweep } from './code-ingestion.sweep';
import { CodePoolProcessor } from './code-pool.processor';
import { IdentifierJobProcessor } from './identifier-job.processor';
import { IdentifierJobSweep } from './identifier-job.sweep';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    QueueModule.forRoot(),
    CodesModule,
    StorageModule,
    IngestionModule,
    EventsModule,
  ],
  providers: [
    IdentifierJobProcessor,
    IdentifierJobSweep,
    CodePoolProcessor,
    CodeIngestionProcessor,
    CodeIngestionSweep,
    // Pool health gauges: computed here, where pools are kept, not in every app.
    CodePoolHealthRepository,
    PoolHealthMetrics,
    // Keeps the counts' tally small: here too, where codes are kept.
    CodeTallyRepository,
    TallyCompaction,
  ],
})
export class GeneratorWorkerModule {}
