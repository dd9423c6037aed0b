import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { inPgTransaction } from '@sid/shared/database';
import { ObjectStorage } from '@sid/shared/storage';
import {
  createExportSerializer,
  EXPORT_CONTENT_TYPES,
  EXPORT_EXTENSIONS,
  ExportRow,
  ExportType,
} from './formats';
import {
  COMPLETE_RESERVATION,
  INSERT_FILE,
  LOCK_RESERVATION_FOR_FILE,
  PAGE_OF_CODES,
  READ_RESERVATION,
} from './export.sql';

interface ReservationRow {
  id: string;
  account: string;
  status: string;
  quantity: number;
  quantity_reserved: number;
  export_type: ExportType;
  export_file: string | null;
  url_suffix: string | null;
  reference_id: string | null;
  product: string | null;
  code_type: string;
  user_created: string | null;
}

export type ExportOutcome = 'exported' | 'skipped';

const PAGE_SIZE = 10_000;
const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Streams a full reservation's codes, page by page, through the serializer of its export type
 * into one multipart upload; only then is the `file` row written and the reservation completed,
 * in one transaction. A failed upload leaves nothing behind (the multipart upload is aborted, no
 * row is written) and the job is retried; an upload whose row cannot be written is deleted.
 */
@Injectable()
export class ReservationExportService {
  private readonly logger = new Logger(ReservationExportService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly storage: ObjectStorage,
  ) {}

  async run(reservationId: string): Promise<ExportOutcome> {
    const [reservation]: ReservationRow[] = await this.db.query(READ_RESERVATION, [reservationId]);
    if (!reservation || reservation.status !== 'in_progress' || reservation.export_file)
      return 'skipped';
    if (reservation.quantity_reserved < reservation.quantity) return 'skipped';

    const type = reservation.export_type;
    const fileId = randomUUID();
    const key = `exports/${reservation.account}/${reservation.id}/${fileId}.${EXPORT_EXTENSIONS[type]}`;
    const body = new PassThrough();
    const serializer = createExportSerializer(type, {
      reservation: reservation.id,
      reference_id: reservation.reference_id,
      product: reservation.product,
      code_type: reservation.code_type,
    });
    await this.storage.ensureBucket();
    const [, uploaded] = await Promise.all([
      pipeline(Readable.from(this.pages(reservation)), serializer, body),
      this.storage.upload(key, body, EXPORT_CONTENT_TYPES[type]),
    ]);

    try {
      const completed = await inPgTransaction(this.db, async (client) => {
        const { rows } = await client.query(LOCK_RESERVATION_FOR_FILE, [reservation.id]);
        if (rows[0]?.status !== 'in_progress' || rows[0]?.export_file) return false;
        await client.query(INSERT_FILE, [
          fileId,
          reservation.account,
          key,
          `${fileName(reservation)}.${EXPORT_EXTENSIONS[type]}`,
          `Codes of reservation ${reservation.reference_id ?? reservation.id}`,
          EXPORT_CONTENT_TYPES[type],
          uploaded.size,
          uploaded.checksum,
          reservation.user_created,
        ]);
        await client.query(COMPLETE_RESERVATION, [reservation.id, fileId]);
        return true;
      });
      if (!completed) {
        await this.storage.delete(key);
        return 'skipped';
      }
    } catch (error) {
      await this.storage
        .delete(key)
        .catch((e: unknown) => this.logger.error(`orphan ${key}: ${String(e)}`));
      throw error;
    }
    return 'exported';
  }

  /** The reservation's codes, one page (`ExportRow[]`) at a time. */
  private async *pages(reservation: ReservationRow): AsyncGenerator<ExportRow[]> {
    let after = FIRST_UUID;
    for (;;) {
      const rows: (Omit<ExportRow, 'reservation' | 'reference_id'> & { id: string })[] =
        await this.db.query(PAGE_OF_CODES, [
          reservation.id,
          after,
          reservation.url_suffix ?? '',
          PAGE_SIZE,
        ]);
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      yield rows.map(({ id: _id, ...row }) => ({
        ...row,
        reservation: reservation.id,
        reference_id: reservation.reference_id,
      }));
      if (rows.length < PAGE_SIZE) return;
    }
  }
}

/** A download name a person recognises: the reference if there is one, else the reservation id. */
function fileName(reservation: ReservationRow): string {
  const base = reservation.reference_id ?? reservation.id;
  return base.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || reservation.id;
}
