import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
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
   *
   * Export files are stored gzip-compressed (EXPORT_CONTENT_ENCODING). A caller that accepts
   * gzip gets the stored bytes as they are, with `Content-Encoding: gzip` (an HTTP client then
   * decompresses them itself); any other caller (no `Accept-Encoding`, as curl without
   * `--compressed`) gets them decompressed here. Either way the content, `filesize` and `checksum`
   * are the document's. The presigned URL of `?redirect` serves the stored object, so its
   * response carries `Content-Encoding: gzip`.
   */
  @Get('assets/:id')
  async content(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('download') download: string | undefined,
    @Query('redirect') redirect: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (redirect !== undefined && redirect !== '0' && redirect !== 'false') {
      const url = await this.files.presignedUrl(actor, id);
      response.setHeader('cache-control', 'no-store');
      response.redirect(302, url);
      return;
    }
    const { file, content } = await this.files.open(actor, id, { decode: false });
    let body: Readable = content.body;
    let etag = file.checksum ? `"${file.checksum}"` : undefined;
    response.setHeader('content-type', file.type);
    if (content.contentEncoding === 'gzip') {
      response.setHeader('vary', 'Accept-Encoding');
      if (request.acceptsEncodings('gzip', 'identity') === 'gzip' && content.size !== undefined) {
        response.setHeader('content-encoding', 'gzip');
        response.setHeader('content-length', String(content.size));
        // Another representation of the same content: another strong validator (RFC 9110 8.8.3).
        if (etag) etag = `"${file.checksum}-gzip"`;
      } else {
        body = pipeline(content.body, createGunzip(), () => undefined);
        response.setHeader('content-length', String(file.filesize));
      }
    } else {
      response.setHeader('content-length', String(file.filesize));
    }
    // Header values must be printable ASCII; the exact name is in the file's metadata.
    const name = file.filename_download.replace(/[^\x20-\x7e]|["\\]/g, '_');
    response.setHeader(
      'content-disposition',
      `${download !== undefined ? 'attachment' : 'inline'}; filename="${name}"`,
    );
    if (etag) response.setHeader('etag', etag);
    // pipeline destroys the object stream when the caller goes away, and the response when the
    // object stream fails (the status is sent by then: the caller sees a cut-off body).
    pipeline(body, response, () => undefined);
  }
}
