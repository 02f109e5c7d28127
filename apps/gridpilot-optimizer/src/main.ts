import 'reflect-metadata';
import { loadGridpilotConfig } from './gridpilot-optimizer.config';
import { listen, runMain } from '@lib/observability';
import { runMigrateCommand } from '@lib/persistence';
import { createGridpilotApp } from './app.factory';
import { databaseOptions } from './storage/storage.module';

/** `main.js` serves; `main.js migrate` creates the database if allowed, migrates it and exits. */
void runMain(async () => {
  const config = loadGridpilotConfig();
  if (process.argv[2] === 'migrate') {
    const results = await runMigrateCommand('gridpilot-optimizer', [databaseOptions(config)]);
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const app = await createGridpilotApp(config);
  await listen(app, config, 'gridpilot-optimizer');
});
