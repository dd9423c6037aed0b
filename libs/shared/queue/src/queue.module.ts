import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { QueueName } from './queue-names';
import { DEFAULT_JOB_OPTIONS } from './retry-presets';
import { redisConnectionOptions } from './redis-connection';
import { JobQueue } from './job-queue.service';
import { QueueWorkerFactory } from './queue-worker.factory';
import { QueueDepthCollector } from './queue-depth.collector';

/**
 * BullMQ wired to the configured Redis and key prefix. `forRoot()` registers every queue as a
 * producer and `JobQueue`, the typed way to enqueue; a worker app adds its own `@Processor`.
 */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: redisConnectionOptions(config.REDIS_URL),
            prefix: config.QUEUE_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
      ],
      providers: [JobQueue, QueueWorkerFactory, QueueDepthCollector],
      exports: [BullModule, JobQueue, QueueWorkerFactory],
    };
  }
}
