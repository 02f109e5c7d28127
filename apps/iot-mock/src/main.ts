import 'reflect-metadata';
import { loadIotMockConfig } from '@lib/config';
import { listen, runMain } from '@lib/observability';
import { createIotMockApp } from './app.factory';

void runMain(async () => {
  const config = loadIotMockConfig();
  const app = await createIotMockApp(config);
  await listen(app, config, 'iot-mock');
});
