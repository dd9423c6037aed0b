import { Module } from '@nestjs/common';
import { ExportsModule } from '@sid/exports';
import { IngestionModule } from '@sid/ingestion';
import { ReservationDataModule } from '@sid/reservations';
import { ConfigModule } from '@sid/shared/config';
import { EventsModule } from '@sid/shared/events';
import { DatabaseModule } from '@sid/shared/database';
import { LoggingModule } from '@sid/shared/observability';
import { QueueModule } from '@sid/shared/queue';
import { StorageModule } from '@sid/shared/storage';
import { ExportProcessor } from './export.processor';
import { ExportSweep } from './export.sweep';
import { WorkorderFileProcessor } from './workorder-file.processor';
import { WorkorderFileSweep } from './workorder-file.sweep';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    QueueModule.forRoot(),
    StorageModule,
    ExportsModule,
    ReservationDataModule,
    IngestionModule,
    EventsModule,
  ],
  providers: [ExportProcessor, ExportSweep, WorkorderFileProcessor, WorkorderFileSweep],
})
export class ExportWorkerModule {}
