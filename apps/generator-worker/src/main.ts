import 'reflect-metadata';
import { bootstrapWorker } from '@sid/shared/queue';
import { GeneratorWorkerModule } from './generator-worker.module';

bootstrapWorker(GeneratorWorkerModule, 'generator-worker').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
