import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { ObjectStorage, StoredObject } from '@sid/shared/storage';
import { FileEntity } from './file.entity';

/** `/assets/<id>`: a file's content, for callers of the file's account. */
@Injectable()
export class FileService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly storage: ObjectStorage,
  ) {}

  async open(actor: Actor, id: string): Promise<{ file: FileEntity; content: StoredObject }> {
    const file = await this.find(actor, id);
    return { file, content: await this.storage.getStream(file.storage_key) };
  }

  private async find(actor: Actor, id: string): Promise<FileEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ForbiddenError();
    const file = await this.db
      .getRepository(FileEntity)
      .findOneBy(actor.admin ? { id } : { id, account: actor.accountId });
    if (!file) throw new ForbiddenError();
    return file;
  }
}
