import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import { BadRequestException } from '@nestjs/common';
import { NestFastifyApplication, RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { HttpConfig } from '@lib/config';

/** Small commands (a profile, a setpoint, a device command) need no more than this. */
export const COMMAND_BODY_LIMIT_BYTES = 16 * 1024;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Never limited: probes, scrapes and the API documentation. */
const UNLIMITED_PREFIXES = ['/health', '/metrics', '/docs'];

interface BodyLimitConfig {
  bodyLimit?: number;
}

/** The route accepts bodies of at most `bytes` (413 beyond), instead of the app's default. */
export const BodyLimit = (bytes: number): MethodDecorator =>
  RouteConfig({ bodyLimit: bytes } satisfies BodyLimitConfig);

/**
 * The deepest nesting of arrays and objects in a JSON text, found in one pass over its bytes
 * (brackets inside strings do not count). Stops as soon as `max` is exceeded.
 */
export function jsonDepthExceeds(body: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

const isBlank = (body: Buffer): boolean => body.every((c) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09);

/** The rate-limit key: a hash of the bearer token (never the token itself), else the client address. */
export function rateLimitKey(request: Pick<FastifyRequest, 'headers' | 'ip'>): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? `token:${createHash('sha256').update(match[1]).digest('base64url')}` : `ip:${request.ip}`;
}

/**
 * What every app's HTTP edge does, before any controller runs: JSON bodies are refused (400)
 * when nested deeper than `maxJsonDepth`, an empty JSON body counts as no body, routes may set a
 * smaller body limit (`@BodyLimit`), writes are rate limited per client (429 with Retry-After),
 * every response carries security headers, and CORS follows CORS_ORIGINS.
 */
export async function applyHttpEdges(app: NestFastifyApplication, http: HttpConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRoute', (route) => {
    const config = route.config as BodyLimitConfig | undefined;
    if (config?.bodyLimit !== undefined) route.bodyLimit = config.bodyLimit;
  });

  const defaultJsonParser = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<import('node:http').Server>('application/json', {}, (request, body, done) => {
    // FastAPI reads `Content-Type: application/json` with no body as no body; so do we.
    if (body.length === 0 || isBlank(body)) {
      done(null, undefined);
      return;
    }
    if (jsonDepthExceeds(body, http.maxJsonDepth)) {
      done(new BadRequestException(`JSON body is nested deeper than ${http.maxJsonDepth} levels`), undefined);
      return;
    }
    void defaultJsonParser(request, body.toString('utf8'), done);
  });

  // Every reply carries the short set an API answer needs; an HTML page (Swagger UI at /docs, the
  // console's page) gets helmet's whole document set instead. Both are computed once at startup
  // (they depend on nothing in the request): @fastify/helmet 13 builds helmet again on every
  // request (CSP directives parsed each time: 14 % of plant-simulator's CPU under load), and
  // helmet's document set on a JSON answer is about 700 bytes of headers a browser ignores there.
  const documentHeaders = helmetHeaders(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // Swagger UI at /docs: its own script and style files, inline styles, data: images.
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // An API, not a site that embeds others' resources.
      crossOriginEmbedderPolicy: false,
    }),
  );
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(API_SECURITY_HEADERS);
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (isHtml(reply.getHeader('content-type'))) void reply.headers(documentHeaders);
    done(null, payload);
  });

  if (http.corsOrigins) {
    const anyOrigin = http.corsOrigins.includes('*');
    app.enableCors({
      origin: anyOrigin ? true : http.corsOrigins,
      credentials: !anyOrigin,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    });
  }

  if (http.rateLimitWritesPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: http.rateLimitWritesPerMinute,
      timeWindow: 60_000,
      keyGenerator: rateLimitKey,
      allowList: (request) =>
        !WRITE_METHODS.has(request.method) || UNLIMITED_PREFIXES.some((p) => request.url.startsWith(p)),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        message: `Too many writes: at most ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
  }
}

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * What an API answer (JSON, a file, an error) needs of the security headers (OWASP REST Security
 * Cheat Sheet): no content of its own may run or be framed, no sniffing, HTTPS only, no referrer,
 * no cross-origin embedding. Pages get helmet's document set on top (see `applyHttpEdges`).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
});

/** Whether a reply's Content-Type is an HTML document. */
export function isHtml(contentType: string | number | string[] | undefined): boolean {
  return typeof contentType === 'string' && /^\s*text\/html\b/i.test(contentType);
}

/**
 * The headers a helmet middleware sets, read once by running it against a response that only
 * records them. None of helmet's headers here depends on the request (no nonces, no per-route
 * options), so every reply can carry the same ones.
 */
export function helmetHeaders(middleware: Middleware): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name];
    },
  };
  const outcome: { failure: Error | null } = { failure: null };
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) outcome.failure = error instanceof Error ? error : new Error('helmet refused its options');
  });
  if (outcome.failure) throw outcome.failure;
  return headers;
}
