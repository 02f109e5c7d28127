export * from './units';
export * from './random';
export * from './random-walk';
export * from './split';
export * from './balance';
export * from './allocation';
export * from './auction';
