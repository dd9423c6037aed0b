import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClientBase } from 'pg';
import { DataSource } from 'typeorm';
import { ReservationExportType } from './code-reservation.entity';
import {
  ADD_RESERVED,
  AWAITING_EXPORT,
  COMPLETE_WITH_FILE,
  DELETE_IF_EMPTY,
  LOCK_FOR_FILE,
  LOCK_RESERVATION,
  LOCK_RESERVATIONS,
  MARK_IN_PROGRESS,
  READ_FOR_EXPORT,
  RECORD_EXPORT_FAILURE,
  SET_FINAL_STATUS,
  UNFINISHED_CLAIMS,
} from './reservation.sql';

/** A reservation under its row lock, as claims and cancellations see it. */
export interface LockedReservation {
  id: string;
  account: string;
  status: string;
  quantity: number;
  quantity_reserved: number;
  product: string | null;
  code_type: string;
  export_file: string | null;
}

/** A reservation named by a batch update of codes, under its row lock. */
export type BatchReservation = Omit<LockedReservation, 'export_file'>;

/** What an export needs of its reservation. */
export interface ReservationForExport {
  id: string;
  account: string;
  status: string;
  quantity: number;
  quantity_reserved: number;
  export_type: ReservationExportType;
  export_file: string | null;
  url_suffix: string | null;
  reference_id: string | null;
  product: string | null;
  code_type: string;
  user_created: string | null;
}

/**
 * The one door to `code_reservation` (beyond TypeORM's CRUD of the writer): its locks, counters
 * and status moves, for the claim, the batch update of codes, cancellation and the export. A
 * method that takes `client` runs in the caller's transaction, so that one transaction can span
 * the reservation and the codes it counts.
 */
@Injectable()
export class ReservationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async lock(client: ClientBase, id: string): Promise<LockedReservation | undefined> {
    const { rows } = await client.query<LockedReservation>(LOCK_RESERVATION, [id]);
    return rows[0];
  }

  /** The reservations `ids` (of `account` unless null), locked in key order. */
  async lockMany(
    client: ClientBase,
    ids: string[],
    account: string | null,
  ): Promise<BatchReservation[]> {
    const { rows } = await client.query<BatchReservation>(LOCK_RESERVATIONS, [ids, account]);
    return rows;
  }

  /** Counts `count` more codes held by the reservation, which is then in progress. */
  async addReserved(
    client: ClientBase,
    id: string,
    count: number,
  ): Promise<{ quantity_reserved: number; full: boolean }> {
    const { rows } = await client.query<{ quantity_reserved: number; full: boolean }>(
      ADD_RESERVED,
      [id, count],
    );
    return rows[0];
  }

  /** A reservation that waits for codes is in progress, even before it holds any. */
  async markInProgress(client: ClientBase, id: string): Promise<void> {
    await client.query(MARK_IN_PROGRESS, [id]);
  }

  /** Ends the reservation (`error` or `cancelled`), counting the codes it still holds. */
  async setFinalStatus(
    client: ClientBase,
    id: string,
    status: 'error' | 'cancelled',
    message: string | null,
    user: string | null,
  ): Promise<void> {
    await client.query(SET_FINAL_STATUS, [id, status, message, user]);
  }

  /** Deletes the reservation unless it still holds codes. */
  async deleteIfEmpty(id: string): Promise<void> {
    await this.db.query(DELETE_IF_EMPTY, [id]);
  }

  async findForExport(id: string): Promise<ReservationForExport | undefined> {
    const rows: ReservationForExport[] = await this.db.query(READ_FOR_EXPORT, [id]);
    return rows[0];
  }

  async lockForFile(
    client: ClientBase,
    id: string,
  ): Promise<{ status: string; quantity: number; export_file: string | null } | undefined> {
    const { rows } = await client.query<{
      status: string;
      quantity: number;
      export_file: string | null;
    }>(LOCK_FOR_FILE, [id]);
    return rows[0];
  }

  /** The export file is written: the reservation is complete. */
  async completeWithFile(client: ClientBase, id: string, fileId: string): Promise<void> {
    await client.query(COMPLETE_WITH_FILE, [id, fileId]);
  }

  /** Says why the export of a reservation still waiting for its file failed. */
  async recordExportFailure(id: string, message: string): Promise<void> {
    await this.db.query(RECORD_EXPORT_FAILURE, [id, message]);
  }

  /** Recovery: ids of reservations short of codes that no running job will wake, oldest first. */
  async unfinishedClaims(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(UNFINISHED_CLAIMS, [limit]);
    return rows.map((row) => row.id);
  }

  /** Recovery: ids of reservations holding all their codes but no file yet, oldest first. */
  async awaitingExport(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(AWAITING_EXPORT, [limit]);
    return rows.map((row) => row.id);
  }
}
