export * from './exports.collections';
export * from './exports.module';
export * from './file.entity';
export * from './file.service';
export * from './formats';
export * from './reservation-export.service';
export * from './export-document.stream';
export * from './export-object-sweep.service';
