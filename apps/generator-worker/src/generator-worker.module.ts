import { Module } from '@nestjs/common';
import { CodePoolHealthRepository, CodesModule, PoolHealthMetrics } from '@sid/codes';
import { ConfigModule } from '@sid/shared/config';
import { EventsModule } from '@sid/shared/events';
import { DatabaseModule } from '@sid/shared/database';
import { LoggingModule } from '@sid/shared/observability';
import { QueueModule } from '@sid/shared/queue';
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
    EventsModule,
  ],
  providers: [
    IdentifierJobProcessor,
    IdentifierJobSweep,
    CodePoolProcessor,
    // Pool health gauges: computed here, where pools are kept, not in every app.
    CodePoolHealthRepository,
    PoolHealthMetrics,
  ],
})
export class GeneratorWorkerModule {}
