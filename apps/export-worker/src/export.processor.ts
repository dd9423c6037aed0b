import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { ExportObjectSweepService, ReservationExportService } from '@sid/exports';
import { AppConfig } from '@sid/shared/config';
import {
  ExportReservationPayload,
  JobName,
  JobQueue,
  QueueName,
  QueueWorkerFactory,
} from '@sid/shared/queue';

/**
 * Thin: each `export-reservation` job writes the export file of the reservation it names. A job
 * that fails for good leaves the reason on the reservation, which stays `in_progress`: the
 * recovery sweep tries again later.
 *
 * A BullMQ job scheduler runs `sweep-export-objects` every EXPORT_OBJECT_SWEEP_INTERVAL_MS (one
 * run at a time for the whole fleet): export objects left without a file row by a crashed export
 * are deleted once older than EXPORT_OBJECT_GRACE_MS.
 */
@Injectable()
export class ExportProcessor implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly exports: ReservationExportService,
    private readonly objects: ExportObjectSweepService,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.CodeExport, {
      handlers: {
        [JobName.ExportReservation]: ({ reservationId }) => this.exports.run(reservationId),
        [JobName.SweepExportObjects]: () =>
          this.objects.sweep(new Date(Date.now() - this.config.EXPORT_OBJECT_GRACE_MS)),
      },
      onFailed: async (payload, error, name) => {
        if (name !== JobName.ExportReservation) return;
        await this.exports.recordFailure(
          (payload as ExportReservationPayload).reservationId,
          error.message,
        );
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.schedule(
      JobName.SweepExportObjects,
      {},
      this.config.EXPORT_OBJECT_SWEEP_INTERVAL_MS,
    );
  }
}
