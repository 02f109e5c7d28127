import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { loadSolarhubConfig } from '@lib/config';
import { listen, runMain } from '@lib/observability';
import { createSolarhubApp } from './app.factory';
import { AppModule } from './app.module';
import { SeedService } from './seed/seed.service';

/** `main.js` serves the API; `main.js seed [--days N]` fills realistic history and exits. */
void runMain(async () => {
  const config = loadSolarhubConfig();
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
