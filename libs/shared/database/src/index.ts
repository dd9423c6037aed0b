export * from './data-source';
export * from './database.module';
export * from './pg-error';
export * from './write-error';
export * from './pg-client';
export * from './audited.entity';
export * from './insert-rows';
export * from './cursor-rows';
