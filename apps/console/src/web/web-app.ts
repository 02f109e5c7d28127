import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleConfig } from '../console.config';

/** Where the built web app is: CONSOLE_WEB_DIR, else `web/` beside the host's bundle (dist/apps/console/web). */
export function webDir(config: ConsoleConfig): string {
  return config.webDir ?? join(__dirname, 'web');
}

/**
 * Serves the built web app's files. Hashed assets (`/assets/…`) are cached for a year; index.html
 * (from WebAppController, for `/` and the page's own routes such as `/charging/CP-1`) is
 * revalidated every time, so a new build reaches browsers at once.
 */
export async function registerWebApp(app: NestFastifyApplication, config: ConsoleConfig): Promise<void> {
  const root = webDir(config);
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('console').warn(`no web app in ${root}: run "node scripts/build.js console"`);
    return;
  }
  // Looked up per request (not globbed at start): a rebuild's new files are served without a restart.
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    setHeaders: (reply) => void reply.header('cache-control', 'public, max-age=31536000, immutable'),
  });
}
