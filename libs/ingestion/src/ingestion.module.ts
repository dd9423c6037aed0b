import { Module } from '@nestjs/common';
import { CatalogModule } from '@sid/catalog';
import { CodesModule } from '@sid/codes';
import { EventOutboxModule } from '@sid/shared/events';
import { CodeIngestionService } from './code-ingestion.service';
import { IngestionRecordRepository } from './ingestion-record.repository';
import { IngestionService } from './ingestion.service';
import { WorkorderFileService } from './workorder-file.service';
import { WorkorderRepository } from './workorder.repository';
import { WorkorderService } from './workorder.service';

/**
 * Customers' own codes (Scantrust's upload API): ingestion records and workorders. Needs
 * `QueueModule.forRoot()` and `StorageModule` in the app.
 */
@Module({
  imports: [CodesModule, CatalogModule, EventOutboxModule],
  providers: [
    IngestionRecordRepository,
    WorkorderRepository,
    IngestionService,
    CodeIngestionService,
    WorkorderService,
    WorkorderFileService,
  ],
  exports: [
    IngestionRecordRepository,
    WorkorderRepository,
    IngestionService,
    CodeIngestionService,
    WorkorderService,
    WorkorderFileService,
  ],
})
export class IngestionModule {}
