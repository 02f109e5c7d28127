import 'reflect-metadata';
import { loadBasicAppConfig } from '@lib/config';
import { createHttpApp, listen, runMain } from '@lib/observability';
import { AppModule } from './app.module';

void runMain(async () => {
  const config = loadBasicAppConfig('solarhub-api');
  const app = await createHttpApp(AppModule.forRoot(config), {
    trustProxy: config.http.trustProxy,
    title: 'solarhub-api',
    description: 'SolarHub: BESS, PCS, meters, inverter, schedule and analysis backend (document 001).',
  });
  await listen(app, config, 'solarhub-api');
});
