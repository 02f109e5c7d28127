import 'reflect-metadata';
import { loadOcppCsmsConfig } from '@lib/config';
import { listen, runMain } from '@lib/observability';
import { createCsmsApp } from './app.factory';

void runMain(async () => {
  const config = loadOcppCsmsConfig();
  const app = await createCsmsApp(config);
  await listen(app, config, 'ocpp-csms');
});
