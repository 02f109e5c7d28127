export * from './topics';
export * from './plant';
export * from './devices';
export * from './telemetry';
export * from './ocpp-csms';
export * from './time';
export * from './auth';
