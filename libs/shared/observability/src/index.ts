export * from './metrics';
export * from './cluster-metrics';
export * from './request-context';
export * from './logger-options';
export * from './logging.module';
export * from './http-observability.middleware';
