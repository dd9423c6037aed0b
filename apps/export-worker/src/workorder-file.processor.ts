import { Injectable, OnModuleInit } from '@nestjs/common';
import { WorkorderFileService } from '@sid/ingestion';
import { JobName, QueueName, QueueWorkerFactory } from '@sid/shared/queue';

/**
 * Thin: each `build-workorder-file` job stores the zip of the workorder it names. A job that fails
 * for good leaves the workorder `processing`: the recovery sweep tries again later.
 */
@Injectable()
export class WorkorderFileProcessor implements OnModuleInit {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly files: WorkorderFileService,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.WorkorderFile, {
      handlers: {
        [JobName.BuildWorkorderFile]: ({ workorderId }) => this.files.run(workorderId),
      },
    });
  }
}
