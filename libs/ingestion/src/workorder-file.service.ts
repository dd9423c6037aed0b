import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toBuffer as qrPng } from 'qrcode';
import { DataSource } from 'typeorm';
import { CustomCodeRepository } from '@sid/codes';
import { inPgTransaction, withStreamingPgClient } from '@sid/shared/database';
import { EventOutboxRepository } from '@sid/shared/events';
import { ObjectStorage } from '@sid/shared/storage';
import { WorkorderRepository, WorkorderRow } from './workorder.repository';
import { zipArchive } from './zip-archive';

export const WORKORDER_ZIP_TYPE = 'application/zip';

/** Where a workorder's zip is stored: one key per workorder, so a second run overwrites it. */
export function workorderFileKey(workorder: Pick<WorkorderRow, 'account' | 'id'>): string {
  return `workorders/${workorder.account}/${workorder.id}.zip`;
}

/**
 * Builds a workorder's zip in S3, streamed: `codes.csv` straight from a COPY of its codes (hashed
 * on the way), then `manifest.json` (the workorder, counts, sha256 of codes.csv) and
 * `sample_qr.png` (the first code's link). The object is stored first and the workorder row says
 * `completed` after; a run killed between the two is redone by the recovery sweep and overwrites
 * the same key.
 */
@Injectable()
export class WorkorderFileService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workorders: WorkorderRepository,
    private readonly codes: CustomCodeRepository,
    private readonly storage: ObjectStorage,
    private readonly outbox: EventOutboxRepository,
  ) {}

  async run(workorderId: string): Promise<'completed' | 'skipped'> {
    const workorder = await this.workorders.byId(workorderId, null);
    if (!workorder || workorder.status !== 'processing') return 'skipped';
    await this.storage.ensureBucket();
    const firstLink = await this.codes.firstWorkorderLink(workorderId);
    const key = workorderFileKey(workorder);
    const stored = await withStreamingPgClient(this.db, async (client) => {
      const archive = zipArchive();
      const csv = new CsvMeter();
      const copied = pipeline(this.codes.copyWorkorderCsv(client, workorderId), csv);
      archive.append(csv, { name: 'codes.csv' });
      const uploaded = this.storage.upload(key, archive, WORKORDER_ZIP_TYPE);
      const archiveFailed = once(archive, 'error').then(([error]) => Promise.reject(error));
      // codes.csv is fully read (and hashed) once archiver has taken its entry.
      await Promise.race([Promise.all([copied, once(archive, 'entry')]), archiveFailed]);
      const manifest = {
        workorder: {
          id: workorder.id,
          reference: workorder.reference,
          ingestion_record: workorder.ingestion_record,
          created_at: workorder.created_at,
        },
        counts: { codes: csv.rows, expected: workorder.quantity },
        files: { 'codes.csv': { sha256: csv.sha256(), bytes: csv.bytes } },
      };
      archive.append(`${JSON.stringify(manifest, null, 2)}\n`, { name: 'manifest.json' });
      if (firstLink !== null)
        archive.append(await qrPng(firstLink, { type: 'png' }), { name: 'sample_qr.png' });
      await archive.finalize();
      return uploaded;
    });
    await inPgTransaction(this.db, async (client) => {
      const completed = await this.workorders.complete(client, workorderId, {
        key,
        size: stored.size,
        checksum: stored.checksum,
      });
      if (!completed) return;
      await this.outbox.record(client, {
        event: 'workorder.completed',
        account: completed.account,
        subject: workorderId,
        data: {
          ingestion_record: completed.ingestion_record,
          quantity: completed.quantity,
          file_size: stored.size,
          file_checksum: stored.checksum,
        },
      });
    });
    return 'completed';
  }
}

/** Passes codes.csv through, counting its bytes and rows (lines after the header) and hashing it. */
class CsvMeter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  private lines = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines += 1;
    callback(null, chunk);
  }

  get rows(): number {
    return Math.max(0, this.lines - 1);
  }

  sha256(): string {
    return this.hash.copy().digest('hex');
  }
}
