export * from './storage.config';
export * from './object-storage.service';
export * from './object-not-found.exception';
export * from './storage.module';
