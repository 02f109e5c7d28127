export * from './constant-time';
export * from './static-bearer.guard';
