export * from './topics';
export * from './plant';
