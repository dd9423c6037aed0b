import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TableStatistics } from '@sid/shared/database';
import { CodeReservationEntity } from './code-reservation.entity';
import { CodeReservationWriter } from './code-reservation.writer';
import { ReservationClaimService } from './reservation-claim.service';

/** Reservations and their claims on the code pool. Needs `QueueModule.forRoot()` in the app. */
@Module({
  imports: [TypeOrmModule.forFeature([CodeReservationEntity])],
  providers: [CodeReservationWriter, ReservationClaimService, TableStatistics],
  exports: [CodeReservationWriter, ReservationClaimService],
})
export class ReservationsModule {}
