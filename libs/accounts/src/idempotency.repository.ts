import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CLAIM_KEY, COMPLETE_KEY, READ_KEY, RELEASE_KEY } from './idempotency.sql';

export interface StoredKey {
  fingerprint: string;
  status: 'running' | 'done';
  response_status: number | null;
  response_body: unknown;
}

export interface KeyRef {
  account: string;
  key: string;
  fingerprint: string;
}

/** Where Idempotency-Key records are claimed, completed and read. */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** True when this request may run; otherwise the stored record (null if it vanished meanwhile). */
  async claim(ref: KeyRef): Promise<true | StoredKey | null> {
    const claimed = await this.db.query(CLAIM_KEY, [ref.account, ref.key, ref.fingerprint]);
    if (claimed.length > 0) return true;
    const rows: StoredKey[] = await this.db.query(READ_KEY, [ref.account, ref.key]);
    return rows[0] ?? null;
  }

  async complete(ref: KeyRef, status: number, body: unknown): Promise<void> {
    await this.db.query(COMPLETE_KEY, [
      ref.account,
      ref.key,
      ref.fingerprint,
      status,
      body === undefined ? null : JSON.stringify(body),
    ]);
  }

  async release(ref: KeyRef): Promise<void> {
    await this.db.query(RELEASE_KEY, [ref.account, ref.key, ref.fingerprint]);
  }
}
