import 'reflect-metadata';
import { loadGridpilotConfig } from '@lib/config';
import { listen, runMain } from '@lib/observability';
import { createGridpilotApp } from './app.factory';

void runMain(async () => {
  const config = loadGridpilotConfig();
  const app = await createGridpilotApp(config);
  await listen(app, config, 'gridpilot-optimizer');
});
