export * from './job-queue.service';
export * from './queue-names';
export * from './queue.module';
export * from './redis-connection';
export * from './retry-presets';
export * from './queue-worker.factory';
export * from './recovery-sweep';
export * from './worker-bootstrap';
