import 'reflect-metadata';
import { loadBasicAppConfig } from '@lib/config';
import { createHttpApp, listen, runMain } from '@lib/observability';
import { AppModule } from './app.module';

void runMain(async () => {
  const config = loadBasicAppConfig('iot-mock');
  const app = await createHttpApp(AppModule.forRoot(config), {
    title: 'iot-mock',
    description: 'Simulated energy devices over MQTT with a REST management API (document 002).',
  });
  await listen(app, config, 'iot-mock');
});
