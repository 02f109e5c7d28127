export * from './database-url';
export * from './database';
export * from './persistence.module';
export * from './insert-rows';
export * from './migrate-command';
