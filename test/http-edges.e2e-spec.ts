import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { createSolarhubApp } from '../apps/solarhub-api/src/app.factory';
import { testServices } from './services';
import { eventually, http, listenOnFreePort } from './support/http';
import { mysqlAdmin, mysqlDatabaseUrl, ingestEnv } from './support/infra';

/**
 * The HTTP edges every app shares (libs/observability/src/http-edges.ts), over real HTTP on three
 * apps with their real databases: empty JSON bodies, deep JSON, body limits, write rate limits,
 * security headers, CORS and the public topology.
 */
const RATE_LIMIT = 30;
const common = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  RATE_LIMIT_WRITES_PER_MINUTE: String(RATE_LIMIT),
  CORS_ORIGINS: 'https://console.example.com',
};

interface Edge {
  app: string;
  start: (db: string) => Promise<NestFastifyApplication>;
  /** A write whose body is required: [method, path]. */
  bodyRoute: [string, string];
  /** The field a 422 names when that body is empty; null when the route has no required field. */
  requiredField: string | null;
  /** A write with the app's default body limit (1 MB), for the deep-JSON flood. */
  deepRoute: [string, string];
  /** A command route with the 16 kB limit, if the app has one. */
  commandRoute: [string, string] | null;
  /** A write that takes no body. */
  noBodyRoute: [string, string];
  /** The status that route answers when it works (the station or record is unknown: 404). */
  noBodyStatus: number;
}

const EDGES: Edge[] = [
  {
    app: 'ocpp-csms',
    start: (db) => createCsmsApp(loadOcppCsmsConfig({ ...common, DATABASE_URL: mysqlDatabaseUrl(db), OCPP_PORT: '0' })),
    bodyRoute: ['POST', '/stations/EDGE-NONE/remote_start'],
    requiredField: 'id_tag',
    deepRoute: ['PUT', '/site/charging_limit'],
    commandRoute: ['POST', '/stations/EDGE-NONE/remote_start'],
    noBodyRoute: ['DELETE', '/stations/EDGE-NONE/charging_profile'],
    noBodyStatus: 404,
  },
  {
    app: 'solarhub-api',
    start: (db) =>
      createSolarhubApp(
        loadSolarhubConfig({
          ...common,
          DATABASE_URL: mysqlDatabaseUrl(db),
          REDIS_URL: `${testServices.redisUrl}/13`,
          JWT_SECRET_KEY: 'edges-e2e-secret-0123456789abcdef',
        }),
      ),
    bodyRoute: ['POST', '/api/v1/auth/login/json'],
    requiredField: 'username',
    deepRoute: ['POST', '/api/v1/auth/login/json'],
    commandRoute: null,
    noBodyRoute: ['POST', '/api/v1/auth/logout'],
    noBodyStatus: 401,
  },
  {
    app: 'gridpilot-optimizer',
    start: (db) =>
      createGridpilotApp(
        loadGridpilotConfig({
          ...common,
          DATABASE_URL: mysqlDatabaseUrl(db),
          PLANT_URL: 'http://127.0.0.1:9',
          PLANT_TOKEN: 'edges-e2e-token-0123456789',
        }),
      ),
    // Every gridpilot body is optional: the empty body is accepted, no field is required.
    bodyRoute: ['POST', '/api/v1/ml/forecast'],
    requiredField: null,
    deepRoute: ['POST', '/api/v1/ml/forecast'],
    commandRoute: ['POST', '/api/v1/dispatch/execute'],
    noBodyRoute: ['POST', '/api/v1/ml/forecast'],
    noBodyStatus: 200,
  },
];

/** `depth` nested arrays: `[[[…]]]`. */
const deepJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe.each(EDGES)('HTTP edges of $app', (edge) => {
  const db = `edges_${edge.app.replace(/-/g, '_')}_${process.pid}`;
  let app: NestFastifyApplication;
  let url: string;
  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    http<{ detail: unknown }>(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    ({ app, url } = await startOnFreshDatabase(db, () => edge.start(db)));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('accepts Content-Type: application/json with an empty body where the route takes none', async () => {
    const [method, path] = edge.noBodyRoute;
    const response = await send(method, path, '');
    expect(response.status).not.toBe(400);
    expect(response.status).toBe(edge.noBodyStatus);
  });

  it('answers 422 naming the field where the body is required and empty', async () => {
    const [method, path] = edge.bodyRoute;
    const response = await send(method, path, '');
    if (edge.requiredField === null) {
      expect(response.status).toBe(200);
      return;
    }
    expect(response.status).toBe(422);
    expect(JSON.stringify(response.body.detail)).toContain(edge.requiredField);
  });

  it('answers 400 to JSON nested deeper than 32 levels, naming the problem; 30 deep is parsed', async () => {
    const [method, path] = edge.deepRoute;
    // 900 kB of nesting: refused by the linear scan before JSON.parse.
    const huge = await send(method, path, deepJson(450_000));
    expect(huge.status).toBe(400);
    expect(String(huge.body.detail)).toMatch(/nested deeper than 32/);
    const deep = await send(method, path, deepJson(33));
    expect(deep.status).toBe(400);
    expect(String(deep.body.detail)).toMatch(/nested deeper than 32/);
    // Within the bound, the validation pipe answers (unknown fields: 422), echoing the input bounded.
    const shallow = await send(method, path, `{"x":${deepJson(30)},"pad":"${'a'.repeat(5000)}"}`);
    expect(shallow.status).toBe(422);
    expect(JSON.stringify(shallow.body).length).toBeLessThan(2000);
  });

  it('answers 413 to a body over 16 kB on a command route', async () => {
    if (edge.commandRoute === null) return;
    const [method, path] = edge.commandRoute;
    const response = await send(method, path, JSON.stringify({ pad: 'a'.repeat(20_000) }));
    expect(response.status).toBe(413);
  });

  it('keeps /health/live fast while 20 deep bodies arrive at once, and answers each with a 4xx', async () => {
    const [method, path] = edge.deepRoute;
    const body = deepJson(450_000);
    const flood = Array.from({ length: 20 }, () => send(method, path, body));
    const started = performance.now();
    const live = await http(`${url}/health/live`);
    const liveMs = performance.now() - started;
    const answers = await Promise.all(flood);
    expect(live.status).toBe(200);
    expect(liveMs).toBeLessThan(1000);
    expect(answers.every((a) => a.status >= 400 && a.status < 500)).toBe(true);
    console.log(`${edge.app}: /health/live answered in ${liveMs.toFixed(0)} ms during 20 deep bodies`);
  });

  it("sets security headers on every response: an API answer's short set, a page's whole set", async () => {
    // JSON answers and errors: nothing in them may run, be framed or be sniffed.
    for (const path of ['/health/live', '/nowhere', '/docs/swagger-ui-init.js']) {
      const response = await fetch(`${url}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    }
    // The Swagger UI page: helmet's document policy, with what the page loads.
    const page = await fetch(`${url}/docs`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves Swagger UI under that policy: scripts from its own files, none inline', async () => {
    const page = await fetch(`${url}/docs`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('swagger-ui-init.js');
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect((await fetch(`${url}/docs/swagger-ui-init.js`)).status).toBe(200);
  });

  it('answers CORS preflights for the configured origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/health/live`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    expect((await preflight('https://console.example.com')).headers.get('access-control-allow-origin')).toBe(
      'https://console.example.com',
    );
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits writes per token (429 with Retry-After), never reads, health or docs', async () => {
    const [method, path] = edge.bodyRoute;
    const token = { authorization: `Bearer edges-${edge.app}-${Date.now()}` };
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof send>> | null = null;
    for (let i = 0; i < RATE_LIMIT + 1; i += 1) {
      const response = await send(method, path, '{}', token);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, RATE_LIMIT).every((s) => s !== 429)).toBe(true);
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(String(limited?.body.detail)).toMatch(/Too many writes/);
    // One budget per token for every write route of the app.
    const [otherMethod, otherPath] = edge.noBodyRoute;
    expect((await send(otherMethod, otherPath, '', token)).status).toBe(429);
    // Another token has its own budget; reads and health are never limited.
    expect((await send(method, path, '{}', { authorization: 'Bearer another-one' })).status).not.toBe(429);
    for (let i = 0; i < RATE_LIMIT + 5; i += 1) {
      expect((await fetch(`${url}/health/live`, { headers: token })).status).toBe(200);
    }
  });
});

/** An app on a database made for it, listening and ready. */
async function startOnFreshDatabase(
  db: string,
  create: () => Promise<NestFastifyApplication>,
): Promise<{ app: NestFastifyApplication; url: string }> {
  await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  await mysqlAdmin(`CREATE DATABASE ${db}`);
  const app = await create();
  const url = await listenOnFreePort(app);
  await eventually(
    () => http(`${url}/health/ready`),
    (r) => r.status === 200,
    20_000,
  );
  return { app, url };
}

describe('solarhub-api topology, public', () => {
  const db = `edges_topology_${process.pid}`;
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startOnFreshDatabase(db, () =>
      createSolarhubApp(
        loadSolarhubConfig({
          ...common,
          DATABASE_URL: mysqlDatabaseUrl(db),
          REDIS_URL: `${testServices.redisUrl}/13`,
          MQTT_URL: testServices.mqttUrl,
          ...ingestEnv(),
          JWT_SECRET_KEY: 'edges-e2e-secret-0123456789abcdef',
        }),
      ),
    ));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('names each dependency and its state, never a host or port', async () => {
    const topology = await http<{ nodes: Record<string, unknown>[] }>(`${url}/api/v1/system/topology`);
    expect(topology.status).toBe(200);
    expect(topology.body.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(['main_server', 'main_mysql', 'main_redis', 'mqtt_broker']),
    );
    for (const node of topology.body.nodes) {
      expect(node).not.toHaveProperty('ip');
      expect(node).not.toHaveProperty('port');
    }
    const text = JSON.stringify(topology.body);
    for (const secret of ['127.0.0.1', '3306', '6379', '1883']) expect(text).not.toContain(secret);
  });
});
