export * from './units';
export * from './profiles';
export * from './composite';
export * from './builders';
export * from './installed';
export * from './charge-point';
