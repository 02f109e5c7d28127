export * from './database-url';
export * from './database';
export * from './persistence.module';
