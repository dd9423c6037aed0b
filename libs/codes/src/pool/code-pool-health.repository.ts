import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CLAIMED_TOTALS, POOL_LEVELS } from './code-pool-health.sql';

export interface PoolKey {
  account: string;
  /** '' for pools of product-less codes (SSCC, short codes). */
  product: string;
  code_type: string;
}

export interface PoolLevel extends PoolKey {
  min_unassigned: number;
  unassigned_count: number;
}

export interface PoolClaimedTotal extends PoolKey {
  claimed: number;
}

@Injectable()
export class CodePoolHealthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  levels(): Promise<PoolLevel[]> {
    return this.db.query(POOL_LEVELS);
  }

  async claimedTotals(): Promise<PoolClaimedTotal[]> {
    const rows: (PoolKey & { claimed: string })[] = await this.db.query(CLAIMED_TOTALS);
    return rows.map((row) => ({ ...row, claimed: Number(row.claimed) }));
  }
}
