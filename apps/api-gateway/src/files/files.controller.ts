import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { Response } from 'express';
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

  /** Streams the content; `?download` makes browsers save it under its download name. */
  @Get('assets/:id')
  async content(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('download') download: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { file, content } = await this.files.open(actor, id);
    response.setHeader('content-type', file.type);
    response.setHeader('content-length', String(file.filesize));
    response.setHeader(
      'content-disposition',
      `${download !== undefined ? 'attachment' : 'inline'}; filename="${file.filename_download.replace(/"/g, '')}"`,
    );
    if (file.checksum) response.setHeader('etag', `"${file.checksum}"`);
    content.body.on('error', () => response.destroy());
    content.body.pipe(response);
  }
}
