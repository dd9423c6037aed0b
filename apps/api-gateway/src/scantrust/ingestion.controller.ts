import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { Request } from 'express';
import { ScantrustCaller } from '@sid/accounts';
import { IngestionService } from '@sid/ingestion';
import { Public } from '../auth/public.decorator';
import { requestUrl } from './request-url';
import { Caller, RequiresPermission, ScantrustAuthGuard } from './scantrust-auth.guard';
import { ScantrustErrorFilter } from './scantrust-error.filter';

/** Scantrust's code upload API (shared/spec/004): records, their presigned POST, processing. */
@Controller('api/v2/ingestion')
@Public() // Authenticated by ScantrustAuthGuard (UAT tokens), not the Directus guard.
@UseGuards(ScantrustAuthGuard)
@UseFilters(ScantrustErrorFilter)
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  @Post('codes/upload/get-post-data')
  @HttpCode(201)
  @RequiresPermission('ingestion_code_create')
  getPostData(@Caller() caller: ScantrustCaller, @Body() body: unknown) {
    return this.ingestion.createUpload(caller, body);
  }

  @Post('codes/upload/process')
  @HttpCode(200)
  @RequiresPermission('ingestion_code_create')
  process(@Caller() caller: ScantrustCaller, @Body() body: unknown) {
    return this.ingestion.process(caller, body);
  }

  @Get()
  @RequiresPermission('ingestion_view')
  list(
    @Caller() caller: ScantrustCaller,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ) {
    return this.ingestion.list(caller, query, requestUrl(request));
  }

  @Get(':key')
  @RequiresPermission('ingestion_view')
  get(@Caller() caller: ScantrustCaller, @Param('key') key: string) {
    return this.ingestion.get(caller, key);
  }

  @Post(':key/cancel')
  @HttpCode(200)
  @RequiresPermission('ingestion_cancel')
  cancel(@Caller() caller: ScantrustCaller, @Param('key') key: string) {
    return this.ingestion.cancel(caller, key);
  }
}
