import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { Response } from 'express';
import { pipeline } from 'node:stream';
import { FileService } from '@sid/exports';
import { Actor } from '@sid/shared/items';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ItemsReadService } from '../items/items-read.service';

/** Directus files: metadata at `/files/<id>`, content at `/assets/<id>`. */
@Controller()
export class FilesController {
  constructor(
    private readonly reads: ItemsReadService,
    private readonly files: FileService,
  ) {}

  @Get('files/:id')
  async metadata(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ) {
    return { data: await this.reads.readOne(actor, 'file', id, query) };
  }

  /**
   * Streams the content; `?download` makes browsers save it under its download name.
   * `?redirect` (any value but `0`/`false`) answers `302` to a presigned URL of the object,
   * valid for 5 minutes, instead: the bytes then come from the bucket, not through the gateway.
   * Use it only where callers can reach S3_ENDPOINT.
   */
  @Get('assets/:id')
  async content(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('download') download: string | undefined,
    @Query('redirect') redirect: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    if (redirect !== undefined && redirect !== '0' && redirect !== 'false') {
      const url = await this.files.presignedUrl(actor, id);
      response.setHeader('cache-control', 'no-store');
      response.redirect(302, url);
      return;
    }
    const { file, content } = await this.files.open(actor, id);
    response.setHeader('content-type', file.type);
    response.setHeader('content-length', String(file.filesize));
    // Header values must be printable ASCII; the exact name is in the file's metadata.
    const name = file.filename_download.replace(/[^\x20-\x7e]|["\\]/g, '_');
    response.setHeader(
      'content-disposition',
      `${download !== undefined ? 'attachment' : 'inline'}; filename="${name}"`,
    );
    if (file.checksum) response.setHeader('etag', `"${file.checksum}"`);
    // pipeline destroys the object stream when the caller goes away, and the response when the
    // object stream fails (the status is sent by then: the caller sees a cut-off body).
    pipeline(content.body, response, () => undefined);
  }
}
