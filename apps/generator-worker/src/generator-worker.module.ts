import { Module } from '@nestjs/common';
import { CodesModule } from '@sid/codes';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule } from '@sid/shared/database';
import { QueueModule } from '@sid/shared/queue';
import { CodePoolProcessor } from './code-pool.processor';
import { IdentifierJobProcessor } from './identifier-job.processor';
import { IdentifierJobSweep } from './identifier-job.sweep';

@Module({
  imports: [ConfigModule, DatabaseModule, QueueModule.forRoot(), CodesModule],
  providers: [IdentifierJobProcessor, IdentifierJobSweep, CodePoolProcessor],
})
export class GeneratorWorkerModule {}
