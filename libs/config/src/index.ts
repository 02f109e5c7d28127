import 'reflect-metadata';
export * from './env';
export * from './cli';
export * from './auth';
export * from './common';
export * from './mqtt';
export * from './ports';
export * from './plant';
export * from './site-time';
