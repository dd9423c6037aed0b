export * from './export-row';
export * from './export-meta';
export * from './export-format';
export * from './export-serializer';
export * from './csv.serializer';
export * from './json.serializer';
export * from './xml.serializer';
export * from './export-frame';
