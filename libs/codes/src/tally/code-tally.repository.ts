import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asPlatform, inPgTransaction } from '@sid/shared/database';

/** Any number both compactions agree on: one runs at a time, the other skips its turn. */
const COMPACTION_LOCK = 0x7a11_c0de;

/**
 * unique_code_tally (CodeTally migration): the triggers on unique_code add its deltas; this folds
 * them into one row per group so that counting stays a read of a few rows however many claims,
 * jobs and uploads there have been.
 */
@Injectable()
export class CodeTallyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Folds the deltas; the number of rows it removed, or null when another compaction runs. */
  compact(): Promise<number | null> {
    return asPlatform(() =>
      inPgTransaction(this.db, async (client) => {
        const { rows } = await client.query<{ locked: boolean }>(
          `SELECT pg_try_advisory_xact_lock($1) AS locked`,
          [COMPACTION_LOCK],
        );
        if (!rows[0].locked) return null;
        const folded = await client.query<{ removed: string }>(
          `SELECT compact_unique_code_tally() AS removed`,
        );
        return Number(folded.rows[0].removed);
      }),
    );
  }
}
