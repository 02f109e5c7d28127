import { DynamicModule, Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { CommonConfig, HttpConfig } from '@lib/config';
import { applyHttpEdges } from './http-edges';
import { MetricsService } from './metrics';
import { QuietLogger } from './quiet-logger';

export const ONE_MEGABYTE = 1024 * 1024;
export const LISTEN_BACKLOG = 4096;

export interface HttpAppOptions {
  title: string;
  description: string;
  version?: string;
  /** Largest request body accepted; larger ones get 413. */
  bodyLimitBytes?: number;
  /** The common HTTP settings: TRUST_PROXY, CORS, write rate limit, JSON depth. */
  http: HttpConfig;
}

/** The OpenAPI document each app was built with (what /docs/openapi.json serves). */
const documents = new WeakMap<NestFastifyApplication, OpenAPIObject>();

/** The app's OpenAPI document, as served at /docs/openapi.json; needs no listening (test/openapi.spec.ts). */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = documents.get(app);
  if (!document) throw new Error('the app was not made by createHttpApp');
  return document;
}

function buildOpenApiDocument(
  app: NestFastifyApplication,
  options: Pick<HttpAppOptions, 'title' | 'description' | 'version'>,
): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description)
      .setVersion(options.version ?? '0.1.0')
      .addBearerAuth()
      .build(),
  );
}

/**
 * Builds an app the way production runs it: Fastify, pino logs, `{detail}` errors (also for the
 * server's own parse errors), the HTTP edges (JSON depth, body limits, write rate limits,
 * security headers, CORS: http-edges.ts), request metrics, Swagger at /docs and shutdown hooks.
 */
export async function createHttpApp(
  module: Type<unknown> | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? ONE_MEGABYTE,
    trustProxy: options.http.trustProxy,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
  app.useLogger(app.get(QuietLogger));
  app.flushLogs();
  await applyHttpEdges(app, options.http);

  // Fastify's own errors (bad JSON, body too large) reach the global filter through Nest's error handler.
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const document = buildOpenApiDocument(app, options);
  documents.set(app, document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * Listens on the configured address. SIGTERM or SIGINT closes the app gracefully (Fastify stops
 * accepting, in-flight requests finish, modules flush and disconnect) and exits 0; a shutdown
 * that takes longer than SHUTDOWN_TIMEOUT_MS exits 1.
 */
export async function listen(app: NestFastifyApplication, config: CommonConfig, appName: string): Promise<string> {
  // A deep accept queue: a burst of new connections (1,000 REST calls at once) is queued, not
  // dropped into SYN retransmits that cost a second each. The kernel caps it at somaxconn.
  await app.listen({ port: config.http.port, host: config.http.host, backlog: LISTEN_BACKLOG });
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  const logger = new NestLogger(appName);
  logger.log(`${appName} listening on ${url} (docs at ${url}/docs)`);
  const shutdown = (signal: NodeJS.Signals): void => {
    logger.log(`${signal}: draining connections (at most ${config.shutdownTimeoutMs} ms)`);
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => {
        logger.log('stopped');
        process.exit(0);
      },
      (error: Error) => {
        logger.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return url;
}

/** Errors whose message says it all (a bad variable, a failed migration): printed without a stack. */
const PLAIN_ERRORS = new Set(['ConfigError', 'MigrateError']);

/** Entry point helper: a bad configuration stops the app with a message naming the variable. */
export async function runMain(main: () => Promise<unknown>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const message =
      error instanceof Error ? (PLAIN_ERRORS.has(error.name) ? error.message : error.stack) : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}
