import { Module } from '@nestjs/common';
import { ExportsModule } from '@sid/exports';
import { ReservationDataModule } from '@sid/reservations';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule } from '@sid/shared/database';
import { QueueModule } from '@sid/shared/queue';
import { StorageModule } from '@sid/shared/storage';
import { ExportProcessor } from './export.processor';
import { ExportSweep } from './export.sweep';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    QueueModule.forRoot(),
    StorageModule,
    ExportsModule,
    ReservationDataModule,
  ],
  providers: [ExportProcessor, ExportSweep],
})
export class ExportWorkerModule {}
