export * from './test-database';
export * from './app-process';
export * from './local-s3';
export * from './transaction-holders';
export * from './worker-test-env';
export * from './free-port';
