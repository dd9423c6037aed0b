import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReservationDataModule } from '@sid/reservations';
import { EventOutboxModule } from '@sid/shared/events';
import { ExportObjectSweepService } from './export-object-sweep.service';
import { FileEntity } from './file.entity';
import { FileRepository } from './file.repository';
import { FileService } from './file.service';
import { ReservationExportService } from './reservation-export.service';

/** Export files of reservations. Needs `StorageModule` in the app. */
@Module({
  imports: [TypeOrmModule.forFeature([FileEntity]), EventOutboxModule, ReservationDataModule],
  providers: [FileRepository, ReservationExportService, ExportObjectSweepService, FileService],
  exports: [FileRepository, ReservationExportService, ExportObjectSweepService, FileService],
})
export class ExportsModule {}
