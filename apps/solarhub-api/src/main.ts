import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { loadSolarhubConfig } from './solarhub-api.config';
import { listen, runMain } from '@lib/observability';
import { runMigrateCommand } from '@lib/persistence';
import { createSolarhubApp } from './app.factory';
import { AppModule } from './app.module';
import { SeedService } from './seed/seed.service';
import { solarhubDatabaseOptions } from './storage/databases';

/**
 * `main.js` serves the API; `main.js seed [--days N]` fills realistic history and exits;
 * `main.js migrate` creates the databases if allowed, migrates them and exits.
 */
void runMain(async () => {
  const config = loadSolarhubConfig();
  if (process.argv[2] === 'migrate') {
    const results = await runMigrateCommand('solarhub-api', solarhubDatabaseOptions(config));
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  if (process.argv[2] === 'seed') {
    const { values } = parseArgs({ args: process.argv.slice(3), options: { days: { type: 'string', default: '14' } } });
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error('--days must be an integer 1-366');
    const context = await NestFactory.createApplicationContext(AppModule.forRoot({ ...config, mqtt: null }), {
      logger: ['log', 'warn', 'error'],
    });
    const result = await context.get(SeedService).run({ days });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    await context.close();
    return;
  }
  const app = await createSolarhubApp(config);
  await listen(app, config, 'solarhub-api');
});
