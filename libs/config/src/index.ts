import 'reflect-metadata';
export * from './env';
export * from './cli';
export * from './common';
export * from './mqtt';
export * from './ports';
export * from './plant-simulator.config';
export * from './basic-app.config';
export * from './loaders';
