import 'reflect-metadata';
import { bootstrapWorker } from '@sid/shared/queue';
import { ReservationWorkerModule } from './reservation-worker.module';

bootstrapWorker(ReservationWorkerModule, 'reservation-worker').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
