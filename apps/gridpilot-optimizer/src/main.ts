import 'reflect-metadata';
import { loadBasicAppConfig } from '@lib/config';
import { createHttpApp, listen, runMain } from '@lib/observability';
import { AppModule } from './app.module';

void runMain(async () => {
  const config = loadBasicAppConfig('gridpilot-optimizer');
  const app = await createHttpApp(AppModule.forRoot(config), {
    trustProxy: config.http.trustProxy,
    title: 'gridpilot-optimizer',
    description: 'GridPilot: prices, forecasts, LP optimization, VCG auction and dispatch (document 003).',
  });
  await listen(app, config, 'gridpilot-optimizer');
});
