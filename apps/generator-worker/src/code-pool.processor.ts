import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { CodePoolCheckService } from '@sid/codes';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, QueueName, QueueWorkerFactory } from '@sid/shared/queue';

/**
 * Keeps code pools topped up. Here rather than in the reservation worker because a refill is an
 * identifier job: the generator owns them, and checking pools never delays a claim. A BullMQ job
 * scheduler runs the check every POOL_CHECK_INTERVAL_MS; a pool written through the API is
 * checked at once (its writer enqueues `check-pools` for it).
 */
@Injectable()
export class CodePoolProcessor implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly pools: CodePoolCheckService,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.CodePool, {
      handlers: {
        [JobName.CheckPools]: ({ codePoolId }) => this.pools.check(codePoolId),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.schedule(JobName.CheckPools, {}, this.config.POOL_CHECK_INTERVAL_MS);
  }
}
