export * from './constant-time';
export * from './static-bearer.guard';
export * from './secret-hash';
