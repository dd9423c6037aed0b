import { Module } from '@nestjs/common';
import { CodeLifecycleRepository } from './code-lifecycle.repository';
import { ReservationRepository } from './reservation.repository';

/**
 * The repositories of reservations alone, for a lib that must read or move a reservation (the
 * export) without the claim's queue and code generation. Needs only the database.
 */
@Module({
  providers: [ReservationRepository, CodeLifecycleRepository],
  exports: [ReservationRepository, CodeLifecycleRepository],
})
export class ReservationDataModule {}
