export * from './bootstrap';
export * from './error-response';
export * from './exception.filter';
export * from './health.controller';
export * from './metrics';
export * from './observability.module';
export * from './readiness';
export * from './validation.pipe';
