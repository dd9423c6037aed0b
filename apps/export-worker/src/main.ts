import 'reflect-metadata';
import { bootstrapWorker } from '@sid/shared/queue';
import { ExportWorkerModule } from './export-worker.module';

bootstrapWorker(ExportWorkerModule, 'export-worker').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
