import { Injectable, Logger } from '@nestjs/common';
import { ObjectStorage } from '@sid/shared/storage';
import { FileRepository } from './file.repository';
import { EXPORT_KEY_PREFIX } from './reservation-export.service';

export interface ObjectSweepOutcome {
  /** Export objects stored before the cutoff that were looked at. */
  checked: number;
  /** Of those, the ones no `file` row pointed at, now deleted. */
  deleted: number;
}

/**
 * Deletes export objects that no `file` row points at. An export stores its object first and
 * writes the row after (a row must never point at a missing object), so a worker killed between
 * the two, or a store that failed to delete after a failed row insert, leaves an object nobody
 * can reach: storage paid for, and codes sitting in a file no one owns.
 *
 * Only objects stored before `storedBefore` are considered: an export in flight has stored its
 * object a moment before its row commits, and must not lose it. S3 dates a multipart object by
 * when its upload began, so the grace must also cover the longest upload. Several workers may sweep at
 * once; deleting twice is harmless.
 */
@Injectable()
export class ExportObjectSweepService {
  private readonly logger = new Logger(ExportObjectSweepService.name);

  constructor(
    private readonly files: FileRepository,
    private readonly storage: ObjectStorage,
  ) {}

  async sweep(storedBefore: Date, pageSize = 1000): Promise<ObjectSweepOutcome> {
    const outcome: ObjectSweepOutcome = { checked: 0, deleted: 0 };
    // Before the first export the bucket may not exist yet: then there is nothing to list.
    await this.storage.ensureBucket();
    for await (const page of this.storage.list(EXPORT_KEY_PREFIX, pageSize)) {
      const old = page.filter((object) => object.lastModified < storedBefore);
      if (old.length === 0) continue;
      outcome.checked += old.length;
      const unreferenced = await this.files.unreferencedKeys(old.map((object) => object.key));
      for (const key of unreferenced) {
        await this.storage.delete(key);
        this.logger.warn(`deleted ${key}: no file row points at it`);
        outcome.deleted++;
      }
    }
    return outcome;
  }
}
