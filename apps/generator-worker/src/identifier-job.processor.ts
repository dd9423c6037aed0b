import { Injectable, OnModuleInit } from '@nestjs/common';
import { IdentifierGenerationService, PermanentJobError } from '@sid/codes';
import {
  GenerateIdentifiersPayload,
  JobName,
  QueueName,
  QueueWorkerFactory,
} from '@sid/shared/queue';

/** Thin: each `generate-identifiers` job runs the identifier job it names. */
@Injectable()
export class IdentifierJobProcessor implements OnModuleInit {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly generation: IdentifierGenerationService,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.IdentifierGeneration, {
      handlers: {
        [JobName.GenerateIdentifiers]: ({ identifierJobId }, job) =>
          this.generation.run(identifierJobId, (created, quantity) =>
            job.updateProgress({
              created,
              quantity,
              percent: Math.floor((created / quantity) * 100),
            }),
          ),
      },
      permanentErrors: [PermanentJobError],
      onFailed: async (payload, error) => {
        if (error.name === 'UnrecoverableError') return; // already recorded by the service
        await this.generation.fail(
          (payload as GenerateIdentifiersPayload).identifierJobId,
          error.message,
        );
      },
    });
  }
}
