import { Module } from '@nestjs/common';
import { TableStatistics } from '@sid/shared/database';
import { CodeLifecycleRepository } from './code-lifecycle.repository';
import { ReservationRepository } from './reservation.repository';

/**
 * The repositories of reservations alone, for a lib that must read or move a reservation (the
 * export) without the claim's queue and code generation. Needs only the database.
 */
@Module({
  providers: [ReservationRepository, CodeLifecycleRepository, TableStatistics],
  exports: [ReservationRepository, CodeLifecycleRepository],
})
export class ReservationDataModule {}
