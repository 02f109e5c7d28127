import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DOCUMENTED_PLANT_TOKEN } from '@lib/config';
import { loadConsoleConfig } from '../apps/console/src/console.config';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import type { AppName } from '@lib/config';
import { createConsoleApp } from '../apps/console/src/app.factory';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';
import { createIotMockApp } from '../apps/iot-mock/src/app.factory';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { createSolarhubApp } from '../apps/solarhub-api/src/app.factory';
import { testServices } from './services';
import { testToken } from './support/auth';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { ingestEnv, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

/**
 * Every route of every app × every kind of caller → the status a site operator relies on: 401
 * without a valid token, 403 without the role, through to the handler otherwise. The route list
 * comes from each app's OpenAPI document, so a route added without a row here fails the test.
 */
type Rule = 'public' | 'open:viewer' | 'open:operator' | 'viewer' | 'operator' | 'admin' | 'plant-token';

const RULES: Record<AppName, Record<string, Rule>> = {
  'plant-simulator': {
    'GET /': 'public',
    'GET /data/latest': 'plant-token',
    'POST /data/consumption': 'open:operator',
    'PUT /simulation/irradiance': 'admin',
    'GET /health': 'public',
  },
  'iot-mock': {
    'GET /': 'public',
    'GET /api/v1/devices': 'viewer',
    'POST /api/v1/devices': 'admin',
    'GET /api/v1/devices/{id}': 'viewer',
    'PUT /api/v1/devices/{id}': 'admin',
    'DELETE /api/v1/devices/{id}': 'admin',
    'GET /api/v1/devices/{id}/readings': 'viewer',
    'GET /api/v1/devices/{id}/drivers': 'viewer',
    'POST /api/v1/devices/{id}/command': 'operator',
    'POST /api/v1/devices/{id}/simulate': 'operator',
    'GET /api/v1/simulation/status': 'viewer',
    'POST /api/v1/simulation/start': 'operator',
    'POST /api/v1/simulation/stop': 'operator',
    'GET /api/v1/device-types': 'viewer',
    'GET /health': 'public',
  },
  'ocpp-csms': {
    'GET /': 'public',
    'GET /stations': 'viewer',
    'GET /stations/{id}': 'viewer',
    'PUT /stations/{id}': 'admin',
    'GET /stations/{id}/logs': 'viewer',
    'GET /stations/{id}/charging_profiles': 'viewer',
    'POST /stations/{id}/remote_start': 'operator',
    'POST /stations/{id}/remote_stop': 'operator',
    'POST /stations/{id}/reset': 'admin',
    'GET /stations/{id}/configuration': 'viewer',
    'PUT /stations/{id}/configuration': 'admin',
    'PUT /stations/{id}/password': 'admin',
    'PUT /id_tags/{idTag}': 'admin',
    'POST /stations/{id}/charging_profile': 'operator',
    'DELETE /stations/{id}/charging_profile': 'operator',
    'GET /stations/{id}/composite_schedule': 'viewer',
    'POST /stations/{id}/test_profiles': 'operator',
    'GET /site/charging_limit': 'viewer',
    'PUT /site/charging_limit': 'operator',
    'GET /transactions': 'viewer',
    'GET /transactions/{id}': 'viewer',
  },
  'gridpilot-optimizer': {
    'GET /': 'public',
    'GET /health': 'public',
    'GET /api/v1/system/status': 'viewer',
    'POST /api/v1/system/run-full-cycle': 'operator',
    'GET /api/v1/data/prices': 'viewer',
    'GET /api/v1/data/prices/daily': 'viewer',
    'GET /api/v1/data/inventory': 'viewer',
    'POST /api/v1/ml/forecast': 'viewer',
    'POST /api/v1/optimization/allocate': 'operator',
    'POST /api/v1/dispatch/execute': 'operator',
    'GET /api/v1/dispatch/history': 'viewer',
    'GET /api/v1/optimization/plan': 'viewer',
  },
  'solarhub-api': {
    'GET /': 'public',
    'GET /health': 'public',
    'GET /health/detailed': 'public',
    'POST /api/v1/auth/login': 'public',
    'POST /api/v1/auth/login/json': 'public',
    'POST /api/v1/auth/refresh': 'public',
    'GET /api/v1/auth/me': 'viewer',
    'POST /api/v1/auth/logout': 'viewer',
    'GET /api/v1/auth/users': 'admin',
    'POST /api/v1/auth/users': 'admin',
    'PATCH /api/v1/auth/users/{id}': 'admin',
    'DELETE /api/v1/auth/users/{id}': 'admin',
    'POST /api/v1/auth/service-tokens': 'admin',
    'GET /api/v1/auth/service-tokens': 'admin',
    'DELETE /api/v1/auth/service-tokens/{id}': 'admin',
    'GET /.well-known/jwks.json': 'public',
    'GET /api/v1/system/overview': 'open:viewer',
    'GET /api/v1/system/topology': 'open:viewer',
    'GET /api/v1/bess/alert/rack/{rack_number}': 'open:viewer',
    'GET /api/v1/bess/{bess_number}': 'open:viewer',
    'GET /api/v1/pcs/alert': 'open:viewer',
    'GET /api/v1/pcs/{pcs_number}': 'open:viewer',
    'GET /api/v1/meters': 'open:viewer',
    'GET /api/v1/meters/aux': 'open:viewer',
    'GET /api/v1/inverter': 'open:viewer',
    'GET /api/v1/schedule': 'open:viewer',
    'POST /api/v1/schedule': 'admin',
    'DELETE /api/v1/schedule/{id}': 'admin',
    'GET /api/v1/schedule/income/daily': 'open:viewer',
    'GET /api/v1/schedule/income/monthly': 'open:viewer',
    'GET /api/v1/schedule/exec-rate': 'open:viewer',
    'GET /api/v1/analysis/power-loss': 'open:viewer',
    'GET /api/v1/analysis/power-io': 'open:viewer',
    'GET /api/v1/analysis/freq-power': 'open:viewer',
    'GET /api/v1/config/sidebar': 'open:viewer',
    'GET /api/v1/config/header': 'open:viewer',
    'GET /api/v1/devices/status': 'open:viewer',
    'GET /api/v1/devices/{device_id}/status': 'open:viewer',
  },
  // The console's own routes; the apps behind its proxy check their own tokens (the revocation test
  // goes through it), and its live WebSocket is checked in test/console.e2e-spec.ts.
  console: {
    'GET /api/console/site': 'public',
  },
};

/** Routes every app serves outside its own table: probes, metrics (Swagger is not in the document). */
const ALWAYS_OPEN = new Set(['GET /health/live', 'GET /health/ready', 'GET /metrics']);

type Caller =
  | 'no token'
  | 'expired'
  | 'tampered'
  | 'alg none'
  | 'wrong key'
  | 'refresh token'
  | 'viewer'
  | 'operator'
  | 'admin'
  | 'service token'
  | 'service token for another app'
  | 'revoked';
const CALLERS: Caller[] = [
  'no token',
  'expired',
  'tampered',
  'alg none',
  'wrong key',
  'refresh token',
  'viewer',
  'operator',
  'admin',
  'service token',
  'service token for another app',
  'revoked',
];

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const payloadOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

async function tokenFor(caller: Caller, app: AppName, revokedToken: string): Promise<string | null> {
  switch (caller) {
    case 'no token':
      return null;
    case 'expired':
      return testToken({ role: 'admin', ttlS: -60 });
    case 'tampered': {
      const [header, , signature] = (await testToken({ role: 'viewer' })).split('.');
      return `${header}.${b64({ ...payloadOf(await testToken({ role: 'viewer' })), roles: ['admin'] })}.${signature}`;
    }
    case 'alg none': {
      const payload = payloadOf(await testToken({ role: 'admin' }));
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    }
    case 'wrong key':
      return testToken({ role: 'admin', secret: 'an-attackers-own-secret-key-0123' });
    case 'refresh token':
      return testToken({ role: 'admin', type: 'refresh' });
    case 'viewer':
    case 'operator':
    case 'admin':
      return testToken({ role: caller });
    case 'service token':
      return testToken({ role: 'operator', kind: 'service' });
    case 'service token for another app':
      return testToken({ role: 'admin', kind: 'service', apps: [app === 'iot-mock' ? 'ocpp-csms' : 'iot-mock'] });
    case 'revoked':
      return revokedToken;
  }
}

const RANK = { viewer: 0, operator: 1, admin: 2 } as const;

/** What the caller must get: 'through' (the handler answered, whatever it said), 401 or 403. */
function expected(rule: Rule, caller: Caller): 'through' | 401 | 403 {
  if (rule === 'public' || rule.startsWith('open:')) return 'through';
  if (rule === 'plant-token' && caller === 'no token') return 401;
  const role: keyof typeof RANK = rule === 'plant-token' ? 'viewer' : (rule as keyof typeof RANK);
  if (['no token', 'expired', 'tampered', 'alg none', 'wrong key', 'refresh token', 'revoked'].includes(caller)) {
    return 401;
  }
  if (caller === 'service token for another app') return 403;
  const held = caller === 'service token' ? 'operator' : (caller as keyof typeof RANK);
  return RANK[held] >= RANK[role] ? 'through' : 403;
}

const SAMPLE_PARAMS: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000000',
  idTag: 'TAG-UNKNOWN',
  rack_number: 'rack01',
  bess_number: '1',
  pcs_number: '1',
};

interface Started {
  app: NestFastifyApplication;
  url: string;
}

const DBS = ['solarhub', 'iot', 'csms', 'gp'].map((d) => `acl_${d}_${process.pid}`);

describe('access control on every app (real HTTP, MariaDB, Mosquitto)', () => {
  const started = new Map<AppName, Started>();
  let revokedToken = '';

  const env = (db: string): Record<string, string> => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MQTT_URL: testServices.mqttUrl,
    DATABASE_URL: mysqlDatabaseUrl(db),
  });

  async function start(name: AppName, create: () => Promise<NestFastifyApplication>): Promise<void> {
    const app = await create();
    started.set(name, { app, url: await listenOnFreePort(app) });
  }

  beforeAll(async () => {
    for (const db of DBS) {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
      await mysqlAdmin(`CREATE DATABASE ${db}`);
    }
    const [solarhubDb, iotDb, csmsDb, gpDb] = DBS;
    await start('solarhub-api', () => createSolarhubApp(loadSolarhubConfig({ ...env(solarhubDb), ...ingestEnv() })));
    await start('plant-simulator', () =>
      createPlantSimulatorApp(loadPlantSimulatorConfig([], { NODE_ENV: 'test', LOG_LEVEL: 'silent' })),
    );
    await start('iot-mock', () =>
      createIotMockApp(loadIotMockConfig({ ...env(iotDb), DEFAULT_DEVICES: 'false', SIMULATION_ENABLED: 'false' })),
    );
    await start('ocpp-csms', () => createCsmsApp(loadOcppCsmsConfig({ ...env(csmsDb), OCPP_PORT: '0' })));
    await start('gridpilot-optimizer', () =>
      createGridpilotApp(loadGridpilotConfig({ ...env(gpDb), CONTROL_LOOP: 'false' })),
    );
    const upstream = (app: AppName): string => started.get(app)?.url ?? '';
    await start('console', () =>
      createConsoleApp(
        loadConsoleConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          // On the bus like every app: passport keeps one strategy per name per process, so the app
          // created last checks tokens for all the apps of this test; it must hear the revocations too.
          MQTT_URL: testServices.mqttUrl,
          SOLARHUB_API_URL: upstream('solarhub-api'),
          GRIDPILOT_URL: upstream('gridpilot-optimizer'),
          CSMS_URL: upstream('ocpp-csms'),
          IOT_MOCK_URL: upstream('iot-mock'),
          PLANT_URL: upstream('plant-simulator'),
        }),
      ),
    );
    for (const { url } of started.values()) {
      await eventually(
        () => http(`${url}/health/ready`),
        (r) => r.status === 200,
        20_000,
      );
    }
    // A real session of the real admin, ended at solarhub-api: its access token must be refused everywhere.
    const solarhub = started.get('solarhub-api')?.url ?? '';
    const login = await eventually(
      () =>
        postJson<{ access_token: string }>(`${solarhub}/api/v1/auth/login/json`, {
          username: 'admin',
          password: 'secret',
        }),
      (r) => r.status === 200,
      15_000,
    );
    revokedToken = login.body.access_token;
    const out = await http(`${solarhub}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${revokedToken}` },
    });
    expect(out.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    for (const { app } of started.values()) await app.close();
    for (const db of DBS) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('a session ended at solarhub-api is refused by ocpp-csms and every other app within 2 s', async () => {
    const t0 = Date.now();
    for (const [name, { url }] of started) {
      const path = name === 'plant-simulator' ? '/data/latest?plant_id=complexo-paranhos' : '/api/v1/auth/me';
      const probe =
        name === 'solarhub-api'
          ? path
          : name === 'ocpp-csms'
            ? '/stations'
            : name === 'iot-mock'
              ? '/api/v1/devices'
              : name === 'gridpilot-optimizer'
                ? '/api/v1/system/status'
                : name === 'console'
                  ? '/api/csms/stations'
                  : path;
      const res = await eventually(
        () => http(`${url}${probe}`, { headers: { authorization: `Bearer ${revokedToken}` } }),
        (r) => r.status === 401,
        2000,
      );
      expect({ app: name, status: res.status }).toEqual({ app: name, status: 401 });
    }
    expect(Date.now() - t0).toBeLessThan(2000 * started.size);
  });

  it.each(Object.keys(RULES) as AppName[])('%s: the table covers every route of the OpenAPI document', async (name) => {
    const { url } = started.get(name) as Started;
    const doc = await http<{ paths: Record<string, Record<string, unknown>> }>(`${url}/docs/openapi.json`, {
      anonymous: true,
    });
    const routes = Object.entries(doc.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const missing = routes.filter((r) => !(r in RULES[name]) && !ALWAYS_OPEN.has(r));
    expect(missing).toEqual([]);
    // Swagger shows the lock and the role on every protected route.
    for (const [route, rule] of Object.entries(RULES[name])) {
      if (rule === 'public') continue;
      const [method, path] = route.split(' ');
      const op = doc.body.paths[path]?.[method.toLowerCase()] as { security?: unknown[]; 'x-required-role'?: string };
      expect({ route, locked: (op?.security?.length ?? 0) > 0 }).toEqual({ route, locked: true });
      expect({ route, role: op['x-required-role'] }).toEqual({
        route,
        role: expect.stringContaining(rule.replace(/^open:|plant-token/, '')),
      });
    }
  });

  it.each(Object.keys(RULES) as AppName[])(
    '%s: every route × every caller gets the status due',
    async (name) => {
      const { url } = started.get(name) as Started;
      const wrong: string[] = [];
      for (const [route, rule] of Object.entries(RULES[name])) {
        const [method, template] = route.split(' ');
        const path = template.replace(/\{(\w+)\}/g, (_, p: string) => SAMPLE_PARAMS[p] ?? randomUUID());
        const query = name === 'plant-simulator' ? '?plant_id=complexo-paranhos' : '';
        for (const caller of CALLERS) {
          const token = await tokenFor(caller, name, revokedToken);
          const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
          const hasBody = method !== 'GET' && method !== 'DELETE';
          const res = await http(`${url}${path}${query}`, {
            method,
            anonymous: token === null,
            headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers,
            body: hasBody ? '{}' : undefined,
          });
          const due = expected(rule, caller);
          const ok = due === 'through' ? res.status !== 401 && res.status !== 403 : res.status === due;
          if (!ok) wrong.push(`${route} as ${caller}: ${res.status}, expected ${due}`);
        }
      }
      expect(wrong).toEqual([]);
    },
    120_000,
  );

  it("plant-simulator: the document's own token still reads the plant, and only that route", async () => {
    const { url } = started.get('plant-simulator') as Started;
    const auth = { authorization: `Bearer ${DOCUMENTED_PLANT_TOKEN}` };
    expect((await http(`${url}/data/latest?plant_id=complexo-paranhos`, { headers: auth })).status).toBe(200);
    // Accepted twice (the second time from the guard's memory of the header) and still only there:
    // it moves nothing on its own app.
    expect((await http(`${url}/data/latest?plant_id=complexo-paranhos`, { headers: auth })).status).toBe(200);
    const cloud = await http(`${url}/simulation/irradiance`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ factor: 0.5 }),
    });
    expect(cloud.status).toBe(401);
    // A near miss is not taken for it.
    const near = { authorization: `Bearer ${DOCUMENTED_PLANT_TOKEN.slice(0, -1)}x` };
    expect((await http(`${url}/data/latest?plant_id=complexo-paranhos`, { headers: near })).status).toBe(401);
    const csms = started.get('ocpp-csms') as Started;
    expect((await http(`${csms.url}/stations`, { headers: auth })).status).toBe(401);
  });
});
