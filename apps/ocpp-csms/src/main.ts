import 'reflect-metadata';
import { loadOcppCsmsConfig } from './ocpp-csms.config';
import { listen, runMain } from '@lib/observability';
import { runMigrateCommand } from '@lib/persistence';
import { createCsmsApp } from './app.factory';
import { databaseOptions } from './app.module';

/** `main.js` serves; `main.js migrate` creates the database if allowed, migrates it and exits. */
void runMain(async () => {
  const config = loadOcppCsmsConfig();
  if (process.argv[2] === 'migrate') {
    const results = await runMigrateCommand('ocpp-csms', [databaseOptions(config)]);
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const app = await createCsmsApp(config);
  await listen(app, config, 'ocpp-csms');
});
