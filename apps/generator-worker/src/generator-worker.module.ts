import { Module } from '@nestjs/common';
import { CodesModule } from '@sid/codes';
import { IngestionModule } from '@sid/ingestion';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule } from '@sid/shared/database';
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
    DatabaseModule,
    QueueModule.forRoot(),
    CodesModule,
    StorageModule,
    IngestionModule,
  ],
  providers: [
    IdentifierJobProcessor,
    IdentifierJobSweep,
    CodePoolProcessor,
    CodeIngestionProcessor,
    CodeIngestionSweep,
  ],
})
export class GeneratorWorkerModule {}
