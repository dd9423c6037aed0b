import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReservationExportService } from '@sid/exports';
import {
  ExportReservationPayload,
  JobName,
  QueueName,
  QueueWorkerFactory,
} from '@sid/shared/queue';

/**
 * Thin: each `export-reservation` job writes the export file of the reservation it names. A job
 * that fails for good leaves the reason on the reservation, which stays `in_progress`: the
 * recovery sweep tries again later.
 */
@Injectable()
export class ExportProcessor implements OnModuleInit {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly exports: ReservationExportService,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.CodeExport, {
      handlers: {
        [JobName.ExportReservation]: ({ reservationId }) => this.exports.run(reservationId),
      },
      onFailed: (payload, error) =>
        this.exports.recordFailure(
          (payload as ExportReservationPayload).reservationId,
          error.message,
        ),
    });
  }
}
