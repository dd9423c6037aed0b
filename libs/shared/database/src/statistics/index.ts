export * from './table-statistics';
