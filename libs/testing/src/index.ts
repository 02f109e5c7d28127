/** Test data builders shared by the apps' tests and the whole-site tests (never imported by src/). */
export * from './site-builders';
export * from './config-errors';
