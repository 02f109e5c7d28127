import 'reflect-metadata';
import { loadIotMockConfig } from './iot-mock.config';
import { listen, runMain } from '@lib/observability';
import { runMigrateCommand } from '@lib/persistence';
import { createIotMockApp } from './app.factory';
import { databaseOptions } from './app.module';

/** `main.js` serves; `main.js migrate` creates the database if allowed, migrates it and exits. */
void runMain(async () => {
  const config = loadIotMockConfig();
  if (process.argv[2] === 'migrate') {
    const results = await runMigrateCommand('iot-mock', [databaseOptions(config)]);
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const app = await createIotMockApp(config);
  await listen(app, config, 'iot-mock');
});
