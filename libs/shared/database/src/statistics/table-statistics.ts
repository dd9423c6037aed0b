import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asPlatform } from '../tenant-scope';
import { analyze, PLANNED_ROWS, vacuumAnalyze } from './table-statistics.sql';

/** Tables whose statistics bulk writers refresh; identifiers are only ever taken from here. */
export type BulkWrittenTable = 'unique_code';

/**
 * What a bulk write did to its table: `insert` (new rows only: VACUUM also marks their pages
 * all-visible, so an index-only count reads no heap) or `update` (ANALYZE alone).
 */
export type BulkWriteKind = 'insert' | 'update';

/**
 * autovacuum's own analyse threshold (autovacuum_analyze_threshold 50 +
 * autovacuum_analyze_scale_factor 0.1 of the table), applied at once by the writer instead of
 * minutes later (or never: CI runs with autovacuum off).
 */
const BASE_THRESHOLD = 50;
const SCALE_FACTOR = 0.1;

/** Whether `changed` rows make the planner's figures of a table of `planned` rows stale. */
export function statisticsAreStale(changed: number, planned: number): boolean {
  if (planned < 0) return changed > 0;
  return changed >= BASE_THRESHOLD + SCALE_FACTOR * planned;
}

/**
 * Statistics follow every bulk write: a generation job, a large claim or a cancel calls this once
 * when it is done (not per chunk), before it reports its outcome, so that the reads that follow a
 * big job are planned on true figures. Small writes to a large table cost one catalog read.
 */
@Injectable()
export class TableStatistics {
  private readonly logger = new Logger(TableStatistics.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Refreshes `table`'s statistics if the rows the caller `written` (inserted, or changed) are past
   * the threshold for the table's size. Many small writes are left to autovacuum, which counts
   * them all. Waits for a VACUUM or ANALYZE already running on the table: that one may have
   * started before the caller's rows were committed. Returns whether it ran.
   */
  async afterBulkWrite(
    table: BulkWrittenTable,
    written: number,
    kind: BulkWriteKind,
  ): Promise<boolean> {
    // Only a table's owner may analyse it: as the platform, even inside a partner's request.
    return asPlatform(() => this.refresh(table, written, kind));
  }

  private async refresh(
    table: BulkWrittenTable,
    written: number,
    kind: BulkWriteKind,
  ): Promise<boolean> {
    const [row] = (await this.db.query(PLANNED_ROWS, [table])) as { planned: number }[];
    if (!row || !statisticsAreStale(written, row.planned)) return false;
    const started = Date.now();
    await this.db.query(kind === 'insert' ? vacuumAnalyze(table) : analyze(table));
    this.logger.log(
      `${kind === 'insert' ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${table} after ${written} rows: ${Date.now() - started} ms`,
    );
    return true;
  }
}
