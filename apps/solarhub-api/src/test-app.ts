import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadSolarhubConfig } from './solarhub-api.config';
import { createSolarhubApp } from './app.factory';
import { SeedService } from './seed/seed.service';

export interface InMemoryApp {
  /** GET a path through Fastify's inject (no socket), the body parsed. */
  get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * solarhub-api whole, in this process: an in-memory SQLite database, no Redis, no broker, with
 * `days` of seeded history written through the real parser and writer. For the feature specs.
 */
export async function inMemorySolarhub(days = 1, env: Record<string, string> = {}): Promise<InMemoryApp> {
  const config = loadSolarhubConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'sqlite::memory:',
    JWT_SECRET_KEY: 'feature-spec-secret-0123456789abcdef',
    ...env,
  });
  const app: NestFastifyApplication = await createSolarhubApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  if (days > 0) await app.get(SeedService).run({ days });
  return {
    async get<T>(path: string) {
      const res = await app.inject({ method: 'GET', url: path });
      return { status: res.statusCode, body: res.json<T>() };
    },
    close: () => app.close(),
  };
}

/** The app for a spec file: started before its tests, closed after them. */
export function solarhubForThisFile(days = 1, env: Record<string, string> = {}): () => InMemoryApp {
  let app: InMemoryApp | undefined;
  beforeAll(async () => {
    app = await inMemorySolarhub(days, env);
  });
  afterAll(() => app?.close());
  return () => {
    if (!app) throw new Error('the app did not start');
    return app;
  };
}
