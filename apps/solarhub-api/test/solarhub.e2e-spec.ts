import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { SignJWT } from 'jose';
import { MqttClient, connectAsync } from 'mqtt';
import { createConnection } from 'mysql2/promise';
import { loadSolarhubConfig } from '../src/solarhub-api.config';
import { DEVICE_TOPICS } from '@lib/contracts';
import { testServices } from '../../../test/services';
import { eventually, http, listenOnFreePort, postJson } from '../../../test/support/http';
import { ingestEnv, mysqlAdmin, mysqlDatabaseUrl } from '../../../test/support/infra';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { aDevice, quiet } from '@lib/testing';
import { createSolarhubApp } from '../src/app.factory';
import { SeedService } from '../src/seed/seed.service';

const DB = `solarhub_e2e_${process.pid}`;
const SECRET = 'e2e-jwt-secret-0123456789abcdef';
const REDIS_DB = 9;
const mysqlUrl = new URL(testServices.mysqlUrl);
const redisUrl = new URL(testServices.redisUrl);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const c = await createConnection({ uri: mysqlDatabaseUrl(DB) });
  try {
    const [rows] = await c.query(query, params);
    return rows as T[];
  } finally {
    await c.end();
  }
}

interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

/** Where an answer strays from its documented schema: undocumented or missing keys, wrong types, nulls. */
function strays(doc: OpenApi, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return strays(doc, doc.components.schemas[schema.$ref.split('/').pop() ?? ''], value, at);
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  if (schema.allOf) return schema.allOf.flatMap((s) => strays(doc, s, value, at));
  if (schema.oneOf) {
    return schema.oneOf.some((s) => strays(doc, s, value, at).length === 0) ? [] : [`${at} matches none of oneOf`];
  }
  if (Array.isArray(value)) {
    if (schema.type !== 'array') return [`${at} is an array, documented ${schema.type}`];
    return value.slice(0, 3).flatMap((v, i) => (schema.items ? strays(doc, schema.items, v, `${at}[${i}]`) : []));
  }
  if (typeof value === 'object') {
    if (schema.type !== 'object' && !schema.properties) return [`${at} is an object, documented ${schema.type}`];
    const documented = schema.properties ?? {};
    const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    return [
      ...(schema.required ?? []).filter((k) => !(k in value)).map((k) => `${at}.${k} is missing`),
      ...Object.entries(value).flatMap(([k, v]) => {
        const property = documented[k] ?? extra;
        if (!property) return schema.additionalProperties === true ? [] : [`${at}.${k} is not documented`];
        return strays(doc, property, v, `${at}.${k}`);
      }),
    ];
  }
  const types = typeof value === 'number' ? ['number', 'integer'] : [typeof value];
  return schema.type && !types.includes(schema.type) ? [`${at} is ${typeof value}, documented ${schema.type}`] : [];
}

describe('solarhub-api (document 001)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let mysqlProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let mqtt: MqttClient;
  let redis: Redis;
  const api = (path: string, init?: RequestInit) => http<Record<string, unknown>>(`${url}${path}`, init);

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    redis = new Redis(`${testServices.redisUrl}/${REDIS_DB}`);
    await redis.flushdb();
    mysqlProxy = new TcpProxy(mysqlUrl.hostname, Number(mysqlUrl.port || 3306));
    redisProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    const [mysqlPort, redisPort] = [await mysqlProxy.start(), await redisProxy.start()];
    const dbUrl = new URL(mysqlDatabaseUrl(DB));
    dbUrl.host = `127.0.0.1:${mysqlPort}`;
    const config = loadSolarhubConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      TRUST_PROXY: 'true',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisPort}/${REDIS_DB}`,
      MQTT_URL: testServices.mqttUrl,
      ...ingestEnv(),
      JWT_SECRET_KEY: SECRET,
      INGEST_FLUSH_MS: '200',
      CORS_ORIGINS: 'https://dashboard.example.com',
    });
    app = await createSolarhubApp(config);
    url = await listenOnFreePort(app);
    await eventually(
      () => api('/health/ready'),
      (r) => r.status === 200,
      20_000,
    );
    // The first admin is created in the background once the database is there.
    await eventually(
      () => postJson(`${url}/api/v1/auth/login/json`, { username: 'admin', password: 'secret' }),
      (r) => r.status === 200,
    );
    mqtt = await connectAsync(testServices.mqttUrl);
  }, 60_000);

  afterAll(async () => {
    await mqtt?.endAsync();
    await app?.close();
    await mysqlProxy?.stop();
    await redisProxy?.stop();
    await redis?.flushdb();
    redis?.disconnect();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  describe('health', () => {
    it('answers /, /health, /health/detailed, /health/live and /health/ready', async () => {
      expect((await api('/')).body).toEqual({ service: 'SolarHub API', version: '1.0.0', docs: '/docs' });
      expect((await api('/health')).body).toMatchObject({ status: 'healthy' });
      expect((await api('/health/live')).status).toBe(200);
      expect((await api('/health/ready')).status).toBe(200);
      const detailed = await api('/health/detailed');
      expect(detailed.body).toMatchObject({
        status: 'healthy',
        infrastructure: {
          databases: { status: 'healthy', connections: { ess: true, schedule: true, meter: true, bess1: true } },
          redis: { status: 'healthy', connections: { main: true } },
        },
        message: 'All systems operational',
      });
    });

    it('documents every endpoint of the document at /docs, each answer with its schema', async () => {
      const spec = await http<OpenApi>(`${url}/docs/openapi.json`);
      const undocumented = Object.entries(spec.body.paths).flatMap(([path, operations]) =>
        Object.entries(operations).flatMap(([method, op]) =>
          Object.entries(op.responses)
            .filter(([status]) => /^2/.test(status) && status !== '204')
            .filter(([, response]) => !response.content?.['application/json']?.schema)
            .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
        ),
      );
      expect(undocumented).toEqual([]);
      for (const path of [
        '/api/v1/auth/login',
        '/api/v1/auth/refresh',
        '/api/v1/bess/{bess_number}',
        '/api/v1/bess/alert/rack/{rack_number}',
        '/api/v1/pcs/alert',
        '/api/v1/meters/aux',
        '/api/v1/inverter',
        '/api/v1/schedule/exec-rate',
        '/api/v1/analysis/freq-power',
        '/api/v1/config/header',
        '/api/v1/system/topology',
      ]) {
        expect(spec.body.paths).toHaveProperty([path]);
      }
    });

    it('answers CORS preflights for the configured origin only', async () => {
      const preflight = (origin: string) =>
        fetch(`${url}/api/v1/meters`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        });
      const allowed = await preflight('https://dashboard.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
      const other = await preflight('https://evil.example.com');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('auth', () => {
    const login = (username: string, password: string, address = '10.0.0.1') =>
      postJson<Tokens>(`${url}/api/v1/auth/login/json`, { username, password }, from(address));

    it('logs in with a form and with JSON, and /me names the user and roles', async () => {
      const form = await http<Tokens>(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=admin&password=secret',
      });
      expect(form.status).toBe(200);
      expect(form.body).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
      const json = await login('admin', 'secret');
      expect(json.status).toBe(200);
      const me = await api('/api/v1/auth/me', bearer(json.body.access_token));
      expect(me.body).toMatchObject({
        username: 'admin',
        active: true,
        roles: [{ name: 'admin', description: 'Administrator' }],
      });
      const [row] = await sql<{ password_hash: string }>('SELECT password_hash FROM sh_users WHERE username = ?', [
        'admin',
      ]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('gives the access token 30 minutes and the refresh token 7 days', async () => {
      const { body } = await login('admin', 'secret');
      const claims = (token: string) =>
        JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number };
      const access = claims(body.access_token);
      const refresh = claims(body.refresh_token);
      expect(access.exp - access.iat).toBe(30 * 60);
      expect(refresh.exp - refresh.iat).toBe(7 * 86_400);
    });

    it('refuses wrong passwords and unknown users with the same 401', async () => {
      const wrong = await login('admin', 'nope', '10.0.0.2');
      const unknown = await login('nobody', 'nope', '10.0.0.2');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('throttles a user and address after 5 failures a minute with 429 and Retry-After', async () => {
      for (let i = 0; i < 5; i++) expect((await login('admin', `bad${i}`, '10.0.0.3')).status).toBe(401);
      const blocked = await login('admin', 'secret', '10.0.0.3');
      expect(blocked.status).toBe(429);
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Another address is not affected.
      expect((await login('admin', 'secret', '10.0.0.4')).status).toBe(200);
    });

    it('rotates refresh tokens; reusing an old one revokes the whole session', async () => {
      const first = (await login('admin', 'secret', '10.0.0.5')).body;
      const refresh = (token: string) => postJson<Tokens>(`${url}/api/v1/auth/refresh`, { refresh_token: token });
      const second = await refresh(first.refresh_token);
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.refresh_token);
      expect((await api('/api/v1/auth/me', bearer(second.body.access_token))).status).toBe(200);

      const reuse = await refresh(first.refresh_token);
      expect(reuse.status).toBe(401);
      expect(reuse.body).toEqual({ detail: expect.stringContaining('reuse') });
      // The thief's reuse ended the session: the newest tokens stop working too.
      expect((await refresh(second.body.refresh_token)).status).toBe(401);
      expect((await api('/api/v1/auth/me', bearer(second.body.access_token))).status).toBe(401);
    });

    it('logout revokes the session', async () => {
      const tokens = (await login('admin', 'secret', '10.0.0.6')).body;
      const out = await http(`${url}/api/v1/auth/logout`, { method: 'POST', ...bearer(tokens.access_token) });
      expect(out.status).toBe(200);
      expect((await postJson(`${url}/api/v1/auth/refresh`, { refresh_token: tokens.refresh_token })).status).toBe(401);
      expect((await api('/api/v1/auth/me', bearer(tokens.access_token))).status).toBe(401);
    });

    it('refuses alg none, tampered, expired and wrong-key tokens', async () => {
      const { access_token: good } = (await login('admin', 'secret', '10.0.0.7')).body;
      const [header, payload] = good.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin', 'x'] })).toString('base64url')}.${good.split('.')[2]}`;
      const sign = (key: string, exp: number) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime(exp)
          .sign(new TextEncoder().encode(key));
      const expired = await sign(SECRET, Math.floor(Date.now() / 1000) - 10);
      const wrongKey = await sign('another-secret-0123456789abcdef', Math.floor(Date.now() / 1000) + 600);
      for (const token of [none, tampered, expired, wrongKey, 'garbage']) {
        const res = await api('/api/v1/auth/me', bearer(token));
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect((await api('/api/v1/auth/me')).status).toBe(401);
      expect((await api('/api/v1/auth/me', bearer(good))).status).toBe(200);
    });

    it('guards admin endpoints by role', async () => {
      const admin = (await login('admin', 'secret', '10.0.0.8')).body.access_token;
      const created = await postJson(
        `${url}/api/v1/auth/users`,
        { username: 'viewer1', email: 'v@example.com', password: 'viewer-pass', roles: ['viewer'] },
        { authorization: `Bearer ${admin}` },
      );
      expect(created.status).toBe(201);
      const viewer = (await login('viewer1', 'viewer-pass', '10.0.0.8')).body.access_token;
      const award = {
        mode: 'dreg',
        time_start: '2030-01-01T10:00:00Z',
        time_end: '2030-01-01T11:00:00Z',
        is_get: true,
        quote_capacity: 1,
        power: 1,
        price: 500,
        quote_price: 600,
        title: 'Test',
      };
      const denied = await postJson(`${url}/api/v1/schedule`, award, { authorization: `Bearer ${viewer}` });
      expect(denied.status).toBe(403);
      expect((await postJson(`${url}/api/v1/schedule`, award)).status).toBe(401);
      const ok = await postJson<{ index: number; time_number: number }>(`${url}/api/v1/schedule`, award, {
        authorization: `Bearer ${admin}`,
      });
      expect(ok.status).toBe(201);
      expect(ok.body.time_number).toBe(11);
      const duplicate = await postJson(`${url}/api/v1/schedule`, award, { authorization: `Bearer ${admin}` });
      expect(duplicate.status).toBe(409);
      const removed = await http(`${url}/api/v1/schedule/${ok.body.index}`, {
        method: 'DELETE',
        ...bearer(admin),
      });
      expect(removed.status).toBe(204);
      const badBody = await postJson(
        `${url}/api/v1/schedule`,
        { ...award, power: 'lots' },
        {
          authorization: `Bearer ${admin}`,
        },
      );
      expect(badBody.status).toBe(422);
      expect(badBody.body).toMatchObject({ detail: [{ loc: ['body', 'power'] }] });
    });

    it('lets an admin change roles and deactivate a user; their open sessions end at once', async () => {
      const admin = bearer((await login('admin', 'secret', '10.0.0.9')).body.access_token);
      const created = await postJson<{ id: number }>(
        `${url}/api/v1/auth/users`,
        { username: 'promoted1', email: 'p@example.com', password: 'promoted-pass', roles: ['viewer'] },
        admin.headers as Record<string, string>,
      );
      const before = (await login('promoted1', 'promoted-pass', '10.0.0.9')).body.access_token;
      const patch = (body: unknown) =>
        http<{ roles: { name: string }[] }>(`${url}/api/v1/auth/users/${created.body.id}`, {
          method: 'PATCH',
          headers: { ...(admin.headers as Record<string, string>), 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const promoted = await patch({ roles: ['operator'] });
      expect(promoted.status).toBe(200);
      expect(promoted.body.roles.map((r) => r.name)).toEqual(['operator']);
      // The viewer-era token is gone; a new login carries the new role.
      expect((await api('/api/v1/auth/me', bearer(before))).status).toBe(401);
      const after = (await login('promoted1', 'promoted-pass', '10.0.0.9')).body.access_token;
      const payload = JSON.parse(Buffer.from(after.split('.')[1], 'base64url').toString()) as { roles: string[] };
      expect(payload.roles).toEqual(['operator']);
      expect((await patch({ roles: ['root'] })).status).toBe(422);
      const removed = await http(`${url}/api/v1/auth/users/${created.body.id}`, { method: 'DELETE', ...admin });
      expect(removed.status).toBe(204);
      expect((await api('/api/v1/auth/me', bearer(after))).status).toBe(401);
      expect((await login('promoted1', 'promoted-pass', '10.0.0.9')).status).toBe(403);
      const self = await http(`${url}/api/v1/auth/users/1`, { method: 'DELETE', ...admin });
      expect(self.status).toBe(409);
    });
  });

  describe('live telemetry from the broker', () => {
    const publish = (message: { device_id: string }) =>
      mqtt.publishAsync(DEVICE_TOPICS.data(message.device_id), JSON.stringify(message), { qos: 1 });
    const reading = (type: 'bess' | 'pcs' | 'meter' | 'pv_inverter', id: string, at: Date) => {
      const device = aDevice({ type, id });
      const first = device.read(new Date(at.getTime() - 1000), quiet);
      const next = device.read(at, quiet);
      if (!first || !next) throw new Error('no reading');
      return next.message as unknown as Record<string, unknown> & { device_id: string; seq: number };
    };

    it("stores iot-mock's asset messages: latest values in Redis, history in MySQL", async () => {
      const now = new Date();
      const bess = reading('bess', 'bess-2', now);
      await Promise.all([
        publish(bess),
        publish(reading('pcs', 'pcs-2', now)),
        publish(reading('meter', 'meter-1', now)),
        publish(reading('pv_inverter', 'inverter-2', now)),
      ]);
      const view = await eventually(
        () => api('/api/v1/bess/2'),
        (r) => r.body.updated_at === new Date(now).toISOString().slice(0, 19) && r.body.source === 'redis',
      );
      expect(view.body).toMatchObject({ bess_number: 2, source: 'redis', summary: { soc_pct: bess.soc_pct } });
      const rows = view.body.data as Record<string, string>[];
      expect(rows.find((r) => r.metric === 'SOC (%)')?.['Rack 01']).toMatch(/^\d+\.\d$/);

      const pcs = await eventually(
        () => api('/api/v1/pcs/2'),
        (r) => r.body.online === true,
      );
      expect(pcs.body).toMatchObject({ pcs_number: 2, source: 'redis' });
      const inverter = await eventually(
        () => api('/api/v1/inverter?inverter_number=2'),
        (r) => r.status === 200,
      );
      expect((inverter.body.mppt_data as unknown[]).length).toBe(4);
      expect((inverter.body.phase_data as unknown[]).length).toBe(3);
      await eventually(
        () => sql<{ n: number }>('SELECT COUNT(*) AS n FROM sh_rack_readings WHERE device_id = ?', ['bess-2']),
        (r) => Number(r[0].n) === 12,
      );
    });

    it('stores a redelivered message once (idempotent per device and seq)', async () => {
      const message = reading('meter', 'meter-2', new Date());
      for (let i = 0; i < 3; i++) await publish(message);
      const rows = await eventually(
        () =>
          sql<{ n: number }>('SELECT COUNT(*) AS n FROM sh_meter_readings WHERE device_id = ? AND seq = ?', [
            'meter-2',
            message.seq,
          ]),
        (r) => Number(r[0].n) > 0,
      );
      await new Promise((r) => setTimeout(r, 600));
      expect(Number(rows[0].n)).toBe(1);
      const again = await sql<{ n: number }>('SELECT COUNT(*) AS n FROM sh_meter_readings WHERE device_id = ?', [
        'meter-2',
      ]);
      expect(Number(again[0].n)).toBe(1);
    });

    it('raises alarms in the header and clears them when they go', async () => {
      const hot = reading('bess', 'bess-1', new Date());
      const racks = hot.racks as { alarms: Record<string, boolean> }[];
      racks[2].alarms.over_temperature = true;
      racks[4].alarms.over_voltage = true;
      await publish(hot);
      const header = await eventually(
        () => api('/api/v1/config/header'),
        (r) => (r.body.warning_info as { count: number }).count > 0,
      );
      expect(header.body.warning_info).toEqual({ count: 1, items: ['BESS1 rack03: High Temperature'] });
      expect(header.body.protection_info).toEqual({ count: 1, items: ['BESS1 rack05: Over Voltage'] });
      const rack = await api('/api/v1/bess/alert/rack/rack03');
      expect(rack.body.battery_alerts).toMatchObject({ battery_1_alarm: '異常', battery_1_protection: '正常' });

      for (const r of racks) for (const k of Object.keys(r.alarms)) r.alarms[k] = false;
      const cool = { ...hot, seq: hot.seq + 1, timestamp: new Date(Date.now() + 1000).toISOString() };
      await publish(cool);
      const cleared = await eventually(
        () => api('/api/v1/config/header'),
        (r) => (r.body.warning_info as { count: number }).count === 0,
      );
      expect(cleared.body.protection_info).toEqual({ count: 0, items: [] });
      const history = await sql<{ cleared_at: Date | null }>('SELECT cleared_at FROM sh_alerts');
      expect(history).toHaveLength(2);
      expect(history.every((a) => a.cleared_at !== null)).toBe(true);
    });

    it('counts malformed telemetry and stores nothing of it', async () => {
      const broken = reading('pcs', 'pcs-1', new Date());
      (broken.alerts as Record<string, unknown>).grid_status = 'bad';
      await publish(broken);
      await mqtt.publishAsync(DEVICE_TOPICS.data('pcs-1'), 'not json', { qos: 1 });
      const metrics = await eventually(
        () => http<string>(`${url}/metrics`),
        (r) => /solarhub_telemetry_messages_total\{result="invalid"[^}]*\} 2/.test(r.body),
      );
      expect(metrics.body).toMatch(/solarhub_telemetry_messages_total\{result="invalid"[^}]*\} 2/);
      expect(await sql('SELECT id FROM sh_pcs_readings WHERE device_id = ?', ['pcs-1'])).toHaveLength(0);
    });
  });

  describe('history, analysis and income (seeded)', () => {
    const now = Date.now();
    const today = Math.floor(now / DAY) * DAY;
    const yesterday = today - DAY;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

    beforeAll(async () => {
      await app.get(SeedService).run({ days: 2, now });
    }, 60_000);

    it('computes loss and efficiency from the stored battery registers', async () => {
      const res = await api(`/api/v1/analysis/power-loss?start_time=${day(yesterday)}%2000:00:00&days=1`);
      expect(res.status).toBe(200);
      const [d] = res.body.daily_data as {
        charge_energy: number;
        discharge_energy: number;
        loss: number;
        efficiency: number;
      }[];
      // Independently: each unit's register at the end of the day minus at its start.
      const register = async (column: string) => {
        let total = 0;
        for (const unit of [1, 2]) {
          const at = async (t: number) =>
            Number(
              (
                await sql<{ v: number }>(
                  `SELECT MAX(${column}) AS v FROM sh_bess_readings WHERE bess_number = ? AND device_id LIKE 'seed-%' AND ts < ?`,
                  [unit, t],
                )
              )[0].v,
            );
          total += (await at(yesterday + DAY)) - (await at(yesterday));
        }
        return total;
      };
      const charge = await register('charge_energy_kwh');
      const discharge = await register('discharge_energy_kwh');
      expect(charge).toBeGreaterThan(0);
      expect(d.charge_energy).toBeCloseTo(charge, 1);
      expect(d.discharge_energy).toBeCloseTo(discharge, 1);
      expect(d.loss).toBeCloseTo(charge - discharge, 1);
      expect(d.efficiency).toBeCloseTo((discharge / charge) * 100, 0);
    });

    it('derives income from the awards, their prices and the delivered energy', async () => {
      const income = await api(`/api/v1/schedule/income/daily?start_time=${day(yesterday)}%2000:00:00`);
      const io = await api(`/api/v1/analysis/power-io?select_time=${day(yesterday)}&data_type=daily`);
      const events = (await api('/api/v1/schedule?weeks=2')).body.events as {
        time_start: string;
        time_end: string;
        is_get: boolean;
        quote_capacity: number;
        price: number;
        power: number;
      }[];
      const hours = income.body.hourly_data as { hour: number; capacity_fee: number; exec_rate: number }[];
      const delivered = io.body.data as { discharge_energy: number }[];
      let checked = 0;
      for (const e of events.filter((x) => x.is_get && x.time_start.startsWith(day(yesterday)))) {
        const h = new Date(`${e.time_start}Z`).getUTCHours();
        const execRate = Math.min(1, delivered[h].discharge_energy / 1000 / e.power);
        expect(hours[h].exec_rate).toBeCloseTo(execRate, 3);
        expect(hours[h].capacity_fee).toBeCloseTo(e.quote_capacity * e.price * execRate, 0);
        checked += 1;
      }
      expect(checked).toBeGreaterThan(0);
      const total = hours.reduce((s, h) => s + h.capacity_fee, 0);
      expect(income.body.total_capacity_fee).toBeCloseTo(total, 1);

      const monthly = await api(`/api/v1/schedule/income/monthly?start_time=${day(yesterday).slice(0, 7)}`);
      const row = (monthly.body.daily_data as { date: string; total_income: number }[]).find(
        (d) => d.date === day(yesterday),
      );
      expect(row?.total_income).toBe(income.body.total_income);
    });

    it('serves execution rates, aux meter, frequency and the overview from history', async () => {
      for (const type of ['exec_rate', 'roll_exec_rate', 'hour_exec_rate']) {
        const res = await api(`/api/v1/schedule/exec-rate?date=${day(yesterday)}%2000:00:00&data_type=${type}`);
        expect(res.status).toBe(200);
        const data = res.body.data as [number, number][];
        expect(data.length).toBeGreaterThan(0);
        for (const [, v] of data) expect(v).toBeGreaterThanOrEqual(0);
      }
      const chart = await api(`/api/v1/meters/aux?time=${day(yesterday)}`);
      expect((chart.body.data as unknown[]).length).toBe(96);
      const summary = await api(`/api/v1/meters/aux?time=${day(yesterday)}&data_type=summary`);
      const s = summary.body.data as { total_energy: number; avg_power: number; max_power: number; min_power: number };
      expect(s.total_energy).toBeCloseTo(s.avg_power * 24, -1);
      expect(s.max_power).toBeGreaterThanOrEqual(s.min_power);
      const freq = await api(
        `/api/v1/analysis/freq-power?date_period=60&select_mode=selectTimeMode&select_time=${day(yesterday)}%2000:00:00`,
      );
      expect((freq.body.frequency_data as unknown[]).length).toBe(24);
      expect((freq.body.baseline_data as [number, number][])[0][1]).toBe(60);
      const monthly = await api(`/api/v1/analysis/power-io?select_time=${day(yesterday)}&data_type=monthly`);
      expect((monthly.body.data as unknown[]).length).toBeGreaterThanOrEqual(28);
      const overview = await api('/api/v1/system/overview');
      expect(overview.body).toMatchObject({ bess: { unit_count: 2, capacity_kwh: expect.any(Number) } });
      expect((await api('/api/v1/config/sidebar')).body).toMatchObject({
        bess_number: 2,
        rack_number: 12,
        number_of_devices: 18,
      });
      const topology = await api('/api/v1/system/topology');
      expect((topology.body.nodes as { id: string }[]).map((n) => n.id)).toEqual(
        expect.arrayContaining(['main_server', 'main_mysql', 'main_redis', 'mqtt_broker']),
      );
    });

    it('answers in exactly the shapes /docs/openapi.json documents', async () => {
      const doc = (await http<OpenApi>(`${url}/docs/openapi.json`)).body;
      const login = await postJson<Tokens>(`${url}/api/v1/auth/login/json`, { username: 'admin', password: 'secret' });
      const at = `${day(yesterday)}%2000:00:00`;
      const answers: [string, string][] = [
        ['/', '/'],
        ['/health', '/health'],
        ['/health/detailed', '/health/detailed'],
        ['/health/live', '/health/live'],
        ['/health/ready', '/health/ready'],
        ['/api/v1/auth/me', '/api/v1/auth/me'],
        ['/api/v1/auth/users', '/api/v1/auth/users'],
        ['/api/v1/auth/service-tokens', '/api/v1/auth/service-tokens'],
        ['/.well-known/jwks.json', '/.well-known/jwks.json'],
        ['/api/v1/system/overview', '/api/v1/system/overview'],
        ['/api/v1/system/topology', '/api/v1/system/topology'],
        ['/api/v1/bess/{bess_number}', '/api/v1/bess/1'],
        ['/api/v1/bess/alert/rack/{rack_number}', '/api/v1/bess/alert/rack/rack01'],
        ['/api/v1/pcs/{pcs_number}', '/api/v1/pcs/1'],
        ['/api/v1/pcs/alert', '/api/v1/pcs/alert?pcs_number=1'],
        ['/api/v1/devices/status', '/api/v1/devices/status'],
        ['/api/v1/meters', '/api/v1/meters'],
        ['/api/v1/meters/aux', `/api/v1/meters/aux?time=${day(yesterday)}`],
        ['/api/v1/meters/aux', `/api/v1/meters/aux?time=${day(yesterday)}&data_type=summary`],
        ['/api/v1/inverter', '/api/v1/inverter?inverter_number=1'],
        ['/api/v1/schedule', '/api/v1/schedule?weeks=2'],
        ['/api/v1/schedule/income/daily', `/api/v1/schedule/income/daily?start_time=${at}`],
        ['/api/v1/schedule/income/monthly', `/api/v1/schedule/income/monthly?start_time=${day(yesterday).slice(0, 7)}`],
        ['/api/v1/schedule/exec-rate', `/api/v1/schedule/exec-rate?date=${at}`],
        ['/api/v1/analysis/power-loss', `/api/v1/analysis/power-loss?start_time=${at}&days=2`],
        ['/api/v1/analysis/power-io', `/api/v1/analysis/power-io?select_time=${day(yesterday)}`],
        ['/api/v1/analysis/freq-power', '/api/v1/analysis/freq-power?date_period=60'],
        ['/api/v1/config/sidebar', '/api/v1/config/sidebar'],
        ['/api/v1/config/header', '/api/v1/config/header'],
      ];
      for (const [path, request] of answers) {
        const res = await api(request, bearer(login.body.access_token));
        expect([request, res.status]).toEqual([request, 200]);
        const schema = doc.paths[path].get.responses['200'].content?.['application/json']?.schema ?? {};
        expect([request, strays(doc, schema, res.body)]).toEqual([request, []]);
      }
    });

    it('filters the schedule by mode', async () => {
      const dreg = await api('/api/v1/schedule?mode=dreg&weeks=2');
      const events = dreg.body.events as { mode: string }[];
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.mode === 'dreg')).toBe(true);
      expect(dreg.body.total_count).toBe(events.length);
    });
  });

  describe('validation', () => {
    it.each([
      ['/api/v1/bess/0', ['param', 'bess_number']],
      ['/api/v1/bess/13', ['param', 'bess_number']],
      ['/api/v1/bess/one', ['param', 'bess_number']],
      ['/api/v1/pcs/0', ['param', 'pcs_number']],
      ['/api/v1/bess/alert/rack/rack13', ['param', 'rack_number']],
      ['/api/v1/pcs/alert?pcs_number=0', ['query', 'pcs_number']],
      ['/api/v1/schedule?weeks=53', ['query', 'weeks']],
      ['/api/v1/schedule?mode=turbo', ['query', 'mode']],
      ['/api/v1/schedule/income/monthly', ['query', 'start_time']],
      ['/api/v1/schedule/exec-rate?date=2024-01-01&data_type=x', ['query', 'data_type']],
      ['/api/v1/analysis/power-io?select_time=2024-02-31', ['query', 'select_time']],
      ['/api/v1/analysis/freq-power', ['query', 'date_period']],
      ['/api/v1/analysis/freq-power?date_period=60&select_mode=selectTimeMode', ['query', 'select_time']],
      ['/api/v1/meters/aux?data_type=table', ['query', 'data_type']],
    ])('%s → 422 naming %j', async (path, loc) => {
      const res = await api(path);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ detail: [{ loc, msg: expect.any(String) }] });
    });

    it('answers 404 for a unit beyond the configured count', async () => {
      const res = await api('/api/v1/bess/5');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'BESS 5 is not configured (BESS_NUMBER=2)' });
    });
  });

  describe('degradation', () => {
    it('serves latest values from MySQL while Redis is down, and Redis again when it returns', async () => {
      await redisProxy.stop();
      const degraded = await eventually(
        () => api('/health/detailed'),
        (r) => r.body.status === 'degraded',
      );
      expect(degraded.status).toBe(200);
      expect(degraded.body).toMatchObject({ infrastructure: { redis: { status: 'unhealthy' } } });
      const bess = await api('/api/v1/bess/1');
      expect(bess.status).toBe(200);
      expect(bess.body.source).toBe('database');
      expect((await api('/api/v1/meters')).status).toBe(200);
      expect((await api('/health/ready')).status).toBe(200);
      const login = await postJson(`${url}/api/v1/auth/login/json`, { username: 'admin', password: 'secret' });
      expect(login.status).toBe(200);

      await redisProxy.restart();
      await eventually(
        () => api('/health/detailed'),
        (r) => r.body.status === 'healthy',
        15_000,
      );
      const back = await eventually(
        () => api('/api/v1/bess/1'),
        (r) => r.body.source === 'redis',
      );
      expect(back.status).toBe(200);
    }, 40_000);

    it('answers 503 while MySQL is down, stays live, and recovers without a restart', async () => {
      await mysqlProxy.stop();
      const ready = await eventually(
        () => api('/health/ready'),
        (r) => r.status === 503,
      );
      expect(ready.status).toBe(503);
      expect((await api('/health/live')).status).toBe(200);
      const schedule = await api('/api/v1/schedule');
      expect(schedule.status).toBe(503);
      expect(schedule.body).toEqual({ detail: expect.stringContaining('Database unavailable') });
      const analysis = await api('/api/v1/analysis/power-io?select_time=2024-01-01');
      expect(analysis.status).toBe(503);
      const header = await api('/api/v1/config/header');
      expect(header.status).toBe(503);

      await mysqlProxy.restart();
      await eventually(
        () => api('/health/ready'),
        (r) => r.status === 200,
        20_000,
      );
      expect((await api('/api/v1/schedule')).status).toBe(200);
    }, 60_000);
  });
});

describe('solarhub-api with per-domain databases (DB_NAME_*)', () => {
  const main = `sh_main_${process.pid}`;
  const schedule = `sh_sched_${process.pid}`;
  const bess1 = `sh_bess1_${process.pid}`;
  let app: NestFastifyApplication;

  afterAll(async () => {
    await app?.close();
    for (const db of [main, schedule, bess1]) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('migrates each domain into its own database', async () => {
    for (const db of [main, schedule, bess1]) await mysqlAdmin(`CREATE DATABASE IF NOT EXISTS ${db}`);
    app = await createSolarhubApp(
      loadSolarhubConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(main),
        DB_NAME_SCHEDULE: schedule,
        DB_NAME_BESS1: bess1,
        JWT_SECRET_KEY: SECRET,
      }),
    );
    const url = await listenOnFreePort(app);
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      20_000,
    );
    const tables = async (db: string) => {
      const c = await createConnection({ uri: mysqlDatabaseUrl(db) });
      const [rows] = await c.query('SHOW TABLES');
      await c.end();
      return (rows as Record<string, string>[]).map((r) => Object.values(r)[0]);
    };
    expect(await tables(schedule)).toContain('sh_schedule_events');
    expect(await tables(bess1)).toEqual(expect.arrayContaining(['sh_bess_readings', 'sh_rack_readings']));
    const mainTables = await tables(main);
    expect(mainTables).toEqual(expect.arrayContaining(['sh_users', 'sh_meter_readings', 'sh_bess_readings']));
    expect(mainTables).not.toContain('sh_schedule_events');
    const topology = await http<{ nodes: { id: string }[] }>(`${url}/api/v1/system/topology`);
    expect(topology.body.nodes.filter((n) => n.id.includes('mysql'))).toHaveLength(3);
  }, 40_000);
});
