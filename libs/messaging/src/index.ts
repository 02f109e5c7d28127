export * from './mqtt-client';
export * from './raw-json.deserializer';
export * from './transport';
export * from './transport-readiness';
export * from './bus-publisher';
export * from './bounded-queue';
export * from './bus-decoder';
export * from './bus-encoder';
