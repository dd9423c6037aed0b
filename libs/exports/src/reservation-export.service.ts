import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { inPgTransaction, withStreamingPgClient } from '@sid/shared/database';
import { EventOutboxRepository } from '@sid/shared/events';
import { codesExported } from '@sid/shared/observability';
import { ObjectStorage, UploadResult } from '@sid/shared/storage';
import { copyExportDocument, ExportSubject } from './export-copy';
import { ReservationForExport, ReservationRepository } from '@sid/reservations';
import { FileRepository } from './file.repository';
import { EXPORT_CONTENT_TYPES, EXPORT_EXTENSIONS } from './formats';

type ReservationRow = ReservationForExport & ExportSubject;

export type ExportOutcome = 'exported' | 'skipped';

/** Every export object's key starts with this (see `ExportObjectSweepService`). */
export const EXPORT_KEY_PREFIX = 'exports/';

/**
 * Writes the export file of a reservation that holds all its codes, then completes it.
 *
 * One `COPY ... TO STDOUT` streams the codes, serialized by PostgreSQL (`exportRowsCopy`), through
 * `ExportDocumentStream` (prologue and epilogue) into one multipart upload, gzip-compressed unless
 * `EXPORT_CONTENT_ENCODING` says otherwise (the file row's size and sha256 are the document's as
 * downloaded, not the compressed object's): the stream pauses
 * whenever the upload is behind, so memory stays at a few upload parts whatever the size. Only
 * once the object is stored are the `file` row written and the reservation completed, in one
 * transaction under the reservation's row lock.
 *
 * Failures leave nothing that points nowhere: a failed COPY or upload aborts the multipart upload
 * and writes no row (the job is retried); an object whose row cannot be written is deleted; a
 * reservation cancelled (or exported by a duplicate job) meanwhile gets no file and the object is
 * deleted. Running it again on a complete reservation does nothing.
 */
@Injectable()
export class ReservationExportService {
  private readonly logger = new Logger(ReservationExportService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reservations: ReservationRepository,
    private readonly files: FileRepository,
    private readonly outbox: EventOutboxRepository,
    private readonly storage: ObjectStorage,
    private readonly config: AppConfig,
  ) {}

  async run(reservationId: string): Promise<ExportOutcome> {
    const reservation: ReservationRow | undefined =
      await this.reservations.findForExport(reservationId);
    if (!reservation || reservation.status !== 'in_progress' || reservation.export_file) {
      return 'skipped';
    }
    if (reservation.quantity_reserved < reservation.quantity) return 'skipped';

    const type = reservation.export_type;
    const fileId = randomUUID();
    const key = `${EXPORT_KEY_PREFIX}${reservation.account}/${reservation.id}/${fileId}.${EXPORT_EXTENSIONS[type]}`;
    await this.storage.ensureBucket();
    const { uploaded, rows } = await this.upload(reservation, key);

    try {
      const completed = await inPgTransaction(this.db, async (client) => {
        const locked = await this.reservations.lockForFile(client, reservation.id);
        if (locked?.status !== 'in_progress' || locked.export_file) return false;
        if (rows !== locked.quantity) {
          throw new Error(
            `The export of reservation ${reservation.id} has ${rows} codes, but it holds ${locked.quantity}`,
          );
        }
        await this.files.insert(client, {
          id: fileId,
          account: reservation.account,
          storage_key: key,
          filename_download: `${fileName(reservation)}.${EXPORT_EXTENSIONS[type]}`,
          title: `Codes of reservation ${reservation.reference_id ?? reservation.id}`,
          type: EXPORT_CONTENT_TYPES[type],
          filesize: uploaded.size,
          checksum: uploaded.checksum,
          uploaded_by: reservation.user_created,
        });
        await this.reservations.completeWithFile(client, reservation.id, fileId);
        const data = { id: reservation.id, export_file: fileId, quantity: rows, export_type: type };
        for (const event of ['code_reservation.completed', 'export.ready'] as const) {
          await this.outbox.record(client, {
            event,
            account: reservation.account,
            subject: reservation.id,
            data,
          });
        }
        return true;
      });
      if (!completed) {
        await this.storage.delete(key);
        return 'skipped';
      }
      codesExported.inc({ export_type: type }, rows);
    } catch (error) {
      await this.storage
        .delete(key)
        .catch((e: unknown) => this.logger.error(`orphan ${key}: ${String(e)}`));
      throw error;
    }
    return 'exported';
  }

  /**
   * Says on the reservation why its export failed for good (retries used up). It stays
   * `in_progress`, so that the recovery sweep tries again; a successful export clears the message.
   */
  async recordFailure(reservationId: string, message: string): Promise<void> {
    await this.reservations.recordExportFailure(
      reservationId,
      `The export file could not be written (it will be tried again): ${message}`.slice(0, 2000),
    );
  }

  /** Streams the document to `key`; resolves once it is stored, with how many codes it holds. */
  private upload(
    reservation: ReservationRow,
    key: string,
  ): Promise<{ uploaded: UploadResult; rows: number }> {
    return withStreamingPgClient(this.db, async (client) => {
      const { document, copied } = copyExportDocument(client, reservation);
      // A failing COPY fails the upload with its own error (the upload reports its source's
      // error first); a failing upload stops the COPY. Either way the upload rejects, and this
      // promise is awaited only once the upload succeeded.
      copied.catch(() => undefined);
      const uploaded = await this.storage.upload(
        key,
        document,
        EXPORT_CONTENT_TYPES[reservation.export_type],
        { contentEncoding: this.config.EXPORT_CONTENT_ENCODING },
      );
      await copied;
      return { uploaded, rows: document.rows };
    });
  }
}

/** A download name a person recognises: the reference if there is one, else the reservation id. */
function fileName(reservation: ReservationRow): string {
  const base = reservation.reference_id ?? reservation.id;
  return base.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || reservation.id;
}
