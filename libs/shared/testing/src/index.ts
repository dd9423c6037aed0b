export * from './test-database';
export * from './app-process';
