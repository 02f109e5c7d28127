import 'reflect-metadata';
import { loadBasicAppConfig } from '@lib/config';
import { createHttpApp, listen, runMain } from '@lib/observability';
import { AppModule } from './app.module';

void runMain(async () => {
  const config = loadBasicAppConfig('ocpp-csms');
  const app = await createHttpApp(AppModule.forRoot(config), {
    trustProxy: config.http.trustProxy,
    title: 'ocpp-csms',
    description: 'OCPP 1.6-J central system with the Smart Charging REST API (document 004).',
  });
  await listen(app, config, 'ocpp-csms');
});
