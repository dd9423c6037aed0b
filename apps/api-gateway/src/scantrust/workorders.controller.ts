import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ScantrustCaller } from '@sid/accounts';
import { WorkorderService } from '@sid/ingestion';
import { Public } from '../auth/public.decorator';
import { requestUrl } from './request-url';
import { Caller, RequiresPermission, ScantrustAuthGuard } from './scantrust-auth.guard';
import { ScantrustErrorFilter } from './scantrust-error.filter';

/** Workorders of the upload API: their codes as a zip (stored in S3) or plain CSV, streamed. */
@Controller('api/v2/workorders')
@Public() // Authenticated by ScantrustAuthGuard (UAT tokens), not the Directus guard.
@UseGuards(ScantrustAuthGuard)
@UseFilters(ScantrustErrorFilter)
export class WorkordersController {
  constructor(private readonly workorders: WorkorderService) {}

  @Get()
  @RequiresPermission('workorder_view')
  list(
    @Caller() caller: ScantrustCaller,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ) {
    return this.workorders.list(caller, query, requestUrl(request));
  }

  @Get(':id')
  @RequiresPermission('workorder_view')
  get(@Caller() caller: ScantrustCaller, @Param('id') id: string, @Req() request: Request) {
    return this.workorders.get(caller, id, requestUrl(request));
  }

  @Get(':id/download')
  @RequiresPermission('workorder_download')
  async download(
    @Caller() caller: ScantrustCaller,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const file = await this.workorders.download(caller, id);
    response.status(200).type('application/zip');
    if (file.size !== undefined) response.setHeader('Content-Length', String(file.size));
    response.attachment(file.filename);
    await pipeline(file.body, response);
  }

  @Get(':id/serial-numbers')
  @RequiresPermission('workorder_sid_download')
  async serialNumbers(
    @Caller() caller: ScantrustCaller,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const workorder = await this.workorders.assertVisible(caller, id);
    response.status(200).type('text/csv; charset=utf-8');
    response.attachment(`workorder-${workorder.id}-serial-numbers.csv`);
    await this.workorders.streamSerialNumbers(workorder, response);
  }
}
