import { Injectable } from '@nestjs/common';
import { ClientBase } from 'pg';
import { TableStatistics } from '@sid/shared/database';
import { CompiledQuery } from '@sid/shared/items';
import {
  CLAIM_CODES_OF_PRODUCT,
  CLAIM_CODES_WITHOUT_PRODUCT,
  RELEASE_RESERVED,
} from './reservation.sql';
import { CodeUpdateResult, CodeUpdateValues, updateCodesQuery } from './unique-code-update.sql';

/** Which codes a claim takes: unassigned codes of this account, type and product. */
export interface ClaimTarget {
  id: string;
  account: string;
  product: string | null;
  code_type: string;
}

/**
 * The lifecycle of codes once they exist (codes are made and discarded by the codes lib): claims,
 * releases and batch moves of `unique_code.status` / `reservation`. Every method runs in the
 * caller's transaction, which holds the reservation rows the codes count towards.
 */
@Injectable()
export class CodeLifecycleRepository {
  constructor(private readonly statistics: TableStatistics) {}

  /** Reserves up to `count` free codes for the reservation; returns how many it got. */
  async claim(client: ClientBase, reservation: ClaimTarget, count: number): Promise<number> {
    const claimed = await client.query(
      reservation.product === null ? CLAIM_CODES_WITHOUT_PRODUCT : CLAIM_CODES_OF_PRODUCT,
      [reservation.product, reservation.code_type, reservation.account, count, reservation.id],
    );
    return claimed.rowCount ?? 0;
  }

  /** Gives the reservation's codes not yet used back to the pool; returns how many went back. */
  async releaseReserved(client: ClientBase, reservationId: string): Promise<number> {
    const released = await client.query(RELEASE_RESERVED, [reservationId]);
    return released.rowCount ?? 0;
  }

  /**
   * After a claim, a cancel or a batch move has committed (once, not per batch): when it moved
   * enough codes between statuses to make the planner's figures stale, unique_code is analysed at
   * once, so that a lookup by status that follows is planned on what the table now holds.
   */
  async afterCodesMoved(count: number): Promise<void> {
    if (count > 0) await this.statistics.afterBulkWrite('unique_code', count, 'update');
  }

  /** One part of a batch update: all of `selection` moves, or none (the first offender named). */
  async updateCodes(
    client: ClientBase,
    selection: CompiledQuery,
    values: CodeUpdateValues,
  ): Promise<CodeUpdateResult> {
    const statement = updateCodesQuery(selection, values);
    const { rows } = await client.query<CodeUpdateResult>(statement.sql, statement.params);
    return rows[0];
  }
}
