export * from './car';
export * from './connector';
export * from './charge-point';
