import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReservationExportService } from '@sid/exports';
import { JobName, QueueName, QueueWorkerFactory } from '@sid/shared/queue';

/** Thin: each `export-reservation` job writes the export file of the reservation it names. */
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
    });
  }
}
