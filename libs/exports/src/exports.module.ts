import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FileEntity } from './file.entity';
import { FileService } from './file.service';
import { ReservationExportService } from './reservation-export.service';

/** Export files of reservations. Needs `StorageModule` in the app. */
@Module({
  imports: [TypeOrmModule.forFeature([FileEntity])],
  providers: [ReservationExportService, FileService],
  exports: [ReservationExportService, FileService],
})
export class ExportsModule {}
