import proxy from '@fastify/http-proxy';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConsoleConfig } from '../console.config';
import type { FastifyReply } from 'fastify';

/** The path prefix under which the console serves an app's REST API. */
export const proxyPrefix = (name: string): string => `/api/${name}`;

/**
 * Every app's REST API under the console's origin: `/api/solarhub/api/v1/…` → solarhub-api's
 * `/api/v1/…`, and so on. Requests pass through as they are (the caller's own token: each app
 * checks it); an app that does not answer is a 502 naming it, one that answers too slowly a 504.
 */
export async function registerProxies(app: NestFastifyApplication, config: ConsoleConfig): Promise<void> {
  const logger = new Logger('console:proxy');
  for (const upstream of config.upstreams) {
    const unreachable = (reply: FastifyReply, error: unknown): void => {
      const code = (error as { code?: string } | undefined)?.code ?? '';
      const timedOut = /TIMEOUT/i.test(code) || (error as { statusCode?: number })?.statusCode === 504;
      logger.debug(`${upstream.app}: ${code || String(error)}`);
      void reply
        .code(timedOut ? 504 : 502)
        .type('application/json')
        .send({
          detail: timedOut
            ? `${upstream.app} did not answer within ${config.proxyTimeoutMs / 1000} s`
            : `${upstream.app} is not reachable`,
        });
    };
    await app.register(proxy, {
      upstream: upstream.url,
      prefix: proxyPrefix(upstream.name),
      rewritePrefix: '',
      websocket: false,
      // Bodies are parsed by the console's own JSON parser (depth and size limits) and sent on as JSON.
      proxyPayloads: false,
      undici: { headersTimeout: config.proxyTimeoutMs, bodyTimeout: config.proxyTimeoutMs },
      replyOptions: {
        onError: (reply, { error }) => unreachable(reply as unknown as FastifyReply, error),
      },
    });
  }
}
