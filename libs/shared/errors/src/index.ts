export * from './public.exception';
