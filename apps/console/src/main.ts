import 'reflect-metadata';
import { loadConsoleConfig } from './console.config';
import { listen, runMain } from '@lib/observability';
import { createConsoleApp } from './app.factory';

void runMain(async () => {
  const config = loadConsoleConfig();
  const app = await createConsoleApp(config);
  await listen(app, config, 'console');
});
