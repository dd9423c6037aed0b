import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { ObjectStorage, ReadOptions, StoredObject } from '@sid/shared/storage';
import { FileEntity } from './file.entity';

/** How long a URL from `presignedUrl` works: long enough to start a download, no longer. */
export const PRESIGNED_URL_SECONDS = 300;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * `/assets/<id>`: a file's content, for whoever may read the file's account (its members; admins
 * any). An export file belongs to its reservation's account, so this is exactly who may read the
 * reservation. A file of another account and a file that does not exist are refused alike (403),
 * as Directus does, so ids cannot be probed.
 */
@Injectable()
export class FileService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly storage: ObjectStorage,
  ) {}

  /** The file and its content (decompressed, unless `decode: false`: see ObjectStorage). */
  async open(
    actor: Actor,
    id: string,
    options: ReadOptions = {},
  ): Promise<{ file: FileEntity; content: StoredObject }> {
    const file = await this.find(actor, id);
    return { file, content: await this.storage.getStream(file.storage_key, options) };
  }

  /**
   * A URL that serves the content straight from the bucket for `PRESIGNED_URL_SECONDS`, as a
   * download under the file's name. Only useful when callers can reach S3_ENDPOINT.
   */
  async presignedUrl(actor: Actor, id: string): Promise<string> {
    const file = await this.find(actor, id);
    return this.storage.presignedGetUrl(file.storage_key, {
      expiresIn: PRESIGNED_URL_SECONDS,
      filename: file.filename_download,
    });
  }

  private async find(actor: Actor, id: string): Promise<FileEntity> {
    if (!UUID.test(id)) throw new ForbiddenError();
    const file = await this.db
      .getRepository(FileEntity)
      .findOneBy(actor.admin ? { id } : { id, account: actor.accountId });
    if (!file) throw new ForbiddenError();
    return file;
  }
}
