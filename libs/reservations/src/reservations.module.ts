import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@sid/catalog';
import { CodesModule } from '@sid/codes';
import { EventOutboxModule } from '@sid/shared/events';
import { CodeReservationEntity } from './code-reservation.entity';
import { CodeReservationWriter } from './code-reservation.writer';
import { ReservationClaimService } from './reservation-claim.service';
import { ReservationDataModule } from './reservation-data.module';
import { UniqueCodeWriter } from './unique-code.writer';

/** Reservations and their claims on the code pool. Needs `QueueModule.forRoot()` in the app. */
@Module({
  imports: [
    TypeOrmModule.forFeature([CodeReservationEntity]),
    CatalogModule,
    CodesModule,
    EventOutboxModule,
    ReservationDataModule,
  ],
  providers: [CodeReservationWriter, ReservationClaimService, UniqueCodeWriter],
  exports: [
    ReservationDataModule,
    CodeReservationWriter,
    ReservationClaimService,
    UniqueCodeWriter,
  ],
})
export class ReservationsModule {}
