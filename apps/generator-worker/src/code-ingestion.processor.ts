import { Injectable, OnModuleInit } from '@nestjs/common';
import { CodeIngestionService } from '@sid/ingestion';
import { IngestCodesPayload, JobName, QueueName, QueueWorkerFactory } from '@sid/shared/queue';

/** Thin: each `ingest-codes` job takes in the uploaded file of the record it names. */
@Injectable()
export class CodeIngestionProcessor implements OnModuleInit {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly ingestion: CodeIngestionService,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.CodeIngestion, {
      handlers: {
        [JobName.IngestCodes]: ({ ingestionRecordId }, job) =>
          this.ingestion.run(ingestionRecordId, (rows) => job.updateProgress({ rows })),
      },
      onFailed: async (payload, error) => {
        await this.ingestion.fail((payload as IngestCodesPayload).ingestionRecordId, error.message);
      },
    });
  }
}
