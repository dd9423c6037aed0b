import { Module } from '@nestjs/common';
import { ReservationsModule } from '@sid/reservations';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule } from '@sid/shared/database';
import { QueueModule } from '@sid/shared/queue';
import { ReservationProcessor } from './reservation.processor';
import { ReservationSweep } from './reservation.sweep';

@Module({
  imports: [ConfigModule, DatabaseModule, QueueModule.forRoot(), ReservationsModule],
  providers: [ReservationProcessor, ReservationSweep],
})
export class ReservationWorkerModule {}
