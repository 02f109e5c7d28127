import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadPlantSimulatorConfig } from '../src/plant-simulator.config';
import { PLANT_TOPICS, PlantReadingMessage } from '@lib/contracts';
import { connectAsync } from 'mqtt';
import { testServices } from '../../../test/services';
import { testToken } from '../../../test/support/auth';
import { eventually, http, listenOnFreePort, postJson } from '../../../test/support/http';
import { createPlantSimulatorApp } from '../src/app.factory';

const TOKEN = 'e2e-token-0123456789abcdef';
const PLANT = 'complexo-paranhos';

interface Reading {
  collection_timestamp: string;
  consumption: Record<'container_eles' | 'container_mazp', { value_mw: number; status: string }>;
  generation: Record<'generoso' | 'nogueira', { value_mw: number; status: string }>;
  totals: { consumption_mw: number; generation_mw: number; exported_mw: number };
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

async function startPlant(
  env: Record<string, string> = {},
  argv: string[] = [],
): Promise<{ app: NestFastifyApplication; url: string }> {
  const config = loadPlantSimulatorConfig(argv, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PLANT_TOKEN: TOKEN,
    GEN_MIN_MW: '0.1',
    GEN_MAX_MW: '0.5',
    ...env,
  });
  const app = await createPlantSimulatorApp(config);
  return { app, url: await listenOnFreePort(app) };
}

describe('plant-simulator (document 000)', () => {
  let app: NestFastifyApplication;
  let url: string;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const latest = (plantId = PLANT): Promise<{ status: number; body: { reading: Reading } }> =>
    http(`${url}/data/latest?plant_id=${plantId}`, { headers: auth });

  beforeAll(async () => {
    ({ app, url } = await startPlant({}, ['--step', '0.02', '--interval', '0.1']));
  });
  afterAll(() => app.close());

  describe('GET /data/latest', () => {
    it('returns the reading in the production format, all values in MW', async () => {
      const { status, body } = await latest();
      expect(status).toBe(200);
      const r = body.reading;
      expect(r.collection_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Object.keys(r.consumption).sort()).toEqual(['container_eles', 'container_mazp']);
      expect(Object.keys(r.generation).sort()).toEqual(['generoso', 'nogueira']);
      for (const source of [...Object.values(r.consumption), ...Object.values(r.generation)]) {
        expect(source.status).toBe('success');
      }
      expect(r.totals.generation_mw).toBeGreaterThanOrEqual(0.1);
      expect(r.totals.generation_mw).toBeLessThanOrEqual(0.5);
      expect(round6(r.generation.generoso.value_mw + r.generation.nogueira.value_mw)).toBe(r.totals.generation_mw);
      const share = r.generation.generoso.value_mw / r.totals.generation_mw;
      expect(share).toBeGreaterThanOrEqual(0.48 - 1e-5);
      expect(share).toBeLessThanOrEqual(0.52 + 1e-5);
    });

    it('reports consumption 0 until the automation posts one', async () => {
      const { app: fresh, url: freshUrl } = await startPlant();
      try {
        const { body } = await http<{ reading: Reading }>(`${freshUrl}/data/latest?plant_id=${PLANT}`, {
          headers: auth,
        });
        expect(body.reading.totals.consumption_mw).toBe(0);
        expect(body.reading.totals.exported_mw).toBe(body.reading.totals.generation_mw);
        const health = await http<{ consumption_source: string }>(`${freshUrl}/health`);
        expect(health.body.consumption_source).toBe('none');
      } finally {
        await fresh.close();
      }
    });

    it.each([
      ['no Authorization header', {}, 'Missing bearer token'],
      ['a wrong token', { authorization: 'Bearer not-the-token' }, 'Invalid token'],
      ['another scheme', { authorization: `Basic ${TOKEN}` }, 'Missing bearer token'],
      ['the token with one more character', { authorization: `Bearer ${TOKEN}x` }, 'Invalid token'],
    ])('answers 401 with %s', async (_case, headers, detail) => {
      const res = await http(`${url}/data/latest?plant_id=${PLANT}`, { headers, anonymous: true });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('answers 404 for an unknown plant and 422 naming plant_id when it is missing', async () => {
      const unknown = await latest('usina-x');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ detail: 'Unknown plant_id: usina-x' });
      const missing = await http<{ detail: { loc: string[]; msg: string }[] }>(`${url}/data/latest`, { headers: auth });
      expect(missing.status).toBe(422);
      expect(missing.body.detail[0]).toMatchObject({
        type: 'missing',
        loc: ['query', 'plant_id'],
        msg: 'Field required',
      });
    });
  });

  describe('POST /data/consumption', () => {
    it('sets consumption, split 45–55 % between the containers, and exported = generation − consumption', async () => {
      const res = await postJson(`${url}/data/consumption`, { expected_consumption_mw: 0.15 });
      expect(res).toMatchObject({ status: 200, body: { status: 'ok', consumption_mw: 0.15 } });
      const r = (await latest()).body.reading;
      expect(r.totals.consumption_mw).toBe(0.15);
      expect(round6(r.consumption.container_eles.value_mw + r.consumption.container_mazp.value_mw)).toBe(0.15);
      const share = r.consumption.container_eles.value_mw / 0.15;
      expect(share).toBeGreaterThanOrEqual(0.45 - 1e-5);
      expect(share).toBeLessThanOrEqual(0.55 + 1e-5);
      expect(r.totals.exported_mw).toBe(round6(r.totals.generation_mw - 0.15));
      const health = await http<Record<string, unknown>>(`${url}/health`);
      expect(health.body).toMatchObject({
        status: 'ok',
        generation_range: [0.1, 0.5],
        current_consumption: 0.15,
        consumption_source: 'external',
      });
    });

    it('lets consumption exceed generation, so the site imports (exported < 0)', async () => {
      await postJson(`${url}/data/consumption`, { expected_consumption_mw: 2 });
      const r = (await latest()).body.reading;
      expect(r.totals.exported_mw).toBeLessThan(0);
      expect(r.totals.exported_mw).toBe(round6(r.totals.generation_mw - 2));
    });

    it.each([
      ['a negative value', { expected_consumption_mw: -0.1 }, 'greater than or equal to 0'],
      ['a string', { expected_consumption_mw: '0.5' }, 'finite number'],
      ['a value that overflows to Infinity', '{"expected_consumption_mw": 1e400}', 'finite number'],
      ['null', { expected_consumption_mw: null }, 'finite number'],
      ['an absurd value (W sent as MW)', { expected_consumption_mw: 150_000 }, 'less than or equal to'],
    ])('refuses %s with 422 naming the field', async (_case, body, msg) => {
      const res = await postJson<{ detail: { loc: string[]; msg: string }[] }>(`${url}/data/consumption`, body);
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['body', 'expected_consumption_mw']);
      expect(res.body.detail[0].msg).toContain(msg);
    });

    it('refuses a body without the field, with an extra field, or that is not an object', async () => {
      const missing = await postJson<{ detail: { type: string; loc: string[] }[] }>(`${url}/data/consumption`, {});
      expect(missing.status).toBe(422);
      expect(missing.body.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'expected_consumption_mw'] });
      const extra = await postJson<{ detail: { type: string; loc: string[] }[] }>(`${url}/data/consumption`, {
        expected_consumption_mw: 0.1,
        consumption: 3,
      });
      expect(extra.status).toBe(422);
      expect(extra.body.detail[0]).toMatchObject({ type: 'extra_forbidden', loc: ['body', 'consumption'] });
      const array = await postJson(`${url}/data/consumption`, [0.1]);
      expect(array.status).toBe(422);
    });

    it('answers 4xx, never 5xx, to bodies that are not JSON, not JSON-typed, empty or over 1 MB', async () => {
      const cases: [RequestInit, number][] = [
        [{ headers: { 'content-type': 'application/json' }, body: '{"expected_consumption_mw": ' }, 400],
        [{ headers: { 'content-type': 'text/plain' }, body: '0.15' }, 422],
        [{ headers: { 'content-type': 'application/xml' }, body: '<a/>' }, 415],
        // An empty JSON body is no body (as FastAPI reads it): the required field is named, 422.
        [{ headers: { 'content-type': 'application/json' }, body: '' }, 422],
        [{ headers: { 'content-type': 'application/json' }, body: `{"pad":"${'x'.repeat(1024 * 1024)}"}` }, 413],
      ];
      for (const [init, status] of cases) {
        const res = await http<{ detail: unknown }>(`${url}/data/consumption`, { method: 'POST', ...init });
        expect({ status: res.status, hasDetail: res.body.detail !== undefined }).toEqual({ status, hasDetail: true });
      }
      const after = await latest();
      expect(after.status).toBe(200);
    });
  });

  describe('PUT /simulation/irradiance (a forced cloud)', () => {
    let still: NestFastifyApplication;
    let stillUrl: string;
    const put = (body: unknown, headers: Record<string, string> = {}) =>
      http<Record<string, unknown> & { detail?: { loc: string[]; msg: string }[] }>(
        `${stillUrl}/simulation/irradiance?plant_id=${PLANT}`,
        { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) },
      );
    const generation = async (): Promise<number> =>
      (await http<{ reading: Reading }>(`${stillUrl}/data/latest?plant_id=${PLANT}`, { headers: auth })).body.reading
        .totals.generation_mw;

    // A walk that does not move during the test (one update an hour), so the factor alone changes generation.
    beforeAll(
      async () => ({ app: still, url: stillUrl } = await startPlant({ PLANT_SEED: '5' }, ['--interval', '3600'])),
    );
    afterAll(() => still.close());

    it('halves generation in one step and brings it back; exported follows; health says the factor', async () => {
      const clear = await generation();
      await postJson(`${stillUrl}/data/consumption`, { expected_consumption_mw: 0.05 });
      const cloud = await put({ factor: 0.5 });
      expect(cloud.status).toBe(200);
      expect(cloud.body).toEqual({
        status: 'ok',
        plant_id: PLANT,
        irradiance_factor: 0.5,
        generation_mw: round6(clear / 2),
      });
      const r = (await http<{ reading: Reading }>(`${stillUrl}/data/latest?plant_id=${PLANT}`, { headers: auth })).body
        .reading;
      expect(r.totals.generation_mw).toBeCloseTo(clear / 2, 5);
      expect(r.totals.exported_mw).toBeCloseTo(clear / 2 - 0.05, 5);
      expect((await http<{ irradiance_factor: number }>(`${stillUrl}/health`)).body.irradiance_factor).toBe(0.5);
      expect((await put({ factor: 1 })).status).toBe(200);
      expect(await generation()).toBeCloseTo(clear, 5);
    });

    it('is for admins only: an operator gets 403, no token 401, and nothing changes', async () => {
      const before = await generation();
      const operator = await testToken({ role: 'operator' });
      expect((await put({ factor: 0 }, { authorization: `Bearer ${operator}` })).status).toBe(403);
      const anonymous = await http(`${stillUrl}/simulation/irradiance`, {
        method: 'PUT',
        anonymous: true,
        headers: { 'content-type': 'application/json' },
        body: '{"factor":0}',
      });
      expect(anonymous.status).toBe(401);
      expect(await generation()).toBe(before);
    });

    it.each([
      [{ factor: 1.5 }, 'less than or equal to 1'],
      [{ factor: -0.1 }, 'greater than or equal to 0'],
      [{ factor: '0.5' }, 'finite number'],
      [{}, 'Field required'],
    ])('refuses %j with 422 naming the field', async (body, msg) => {
      const res = await put(body);
      expect(res.status).toBe(422);
      expect(res.body.detail?.[0].loc).toEqual(['body', 'factor']);
      expect(res.body.detail?.[0].msg).toContain(msg);
    });

    it('answers 404 for an unknown plant', async () => {
      const res = await http(`${stillUrl}/simulation/irradiance?plant_id=nowhere`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"factor":0.5}',
      });
      expect(res.status).toBe(404);
    });
  });

  describe('generation random walk', () => {
    it('publishes every reading on the broker; each moves by at most `step` and stays in bounds', async () => {
      const client = await connectAsync(testServices.mqttUrl, { clientId: `e2e-plant-${process.pid}` });
      const { app: walker } = await startPlant(
        { MQTT_URL: testServices.mqttUrl, PLANT_TOPIC_PREFIX: `e2e/${process.pid}/plants` },
        ['--step', '0.02', '--interval', '0.05'],
      );
      try {
        const messages: PlantReadingMessage[] = [];
        client.on('message', (_topic, payload) => messages.push(JSON.parse(payload.toString()) as PlantReadingMessage));
        await client.subscribeAsync(PLANT_TOPICS.allReadings(`e2e/${process.pid}/plants`), { qos: 1 });
        await eventually(
          () => Promise.resolve(messages.length),
          (n) => n >= 30,
          10_000,
        );
        expect(messages.length).toBeGreaterThanOrEqual(30);
        const ordered = messages.filter((m) => m.plant_id === PLANT).sort((a, b) => a.seq - b.seq);
        for (let i = 1; i < ordered.length; i++) {
          const g = ordered[i].reading.totals.generation_mw;
          expect(g).toBeGreaterThanOrEqual(0.1);
          expect(g).toBeLessThanOrEqual(0.5);
          if (ordered[i].seq === ordered[i - 1].seq + 1) {
            expect(Math.abs(g - ordered[i - 1].reading.totals.generation_mw)).toBeLessThanOrEqual(0.02 + 2e-6);
          }
        }
        const distinct = new Set(ordered.map((m) => m.reading.totals.generation_mw));
        expect(distinct.size).toBeGreaterThan(5);
      } finally {
        await walker.close();
        await client.endAsync();
      }
    });

    it('replays the same walk from the same --seed', async () => {
      const a = await startPlant({}, ['--seed', '1234']);
      const b = await startPlant({}, ['--seed', '1234']);
      const c = await startPlant({}, ['--seed', '999']);
      try {
        const gen = async (u: string): Promise<number> =>
          (await http<{ reading: Reading }>(`${u}/data/latest?plant_id=${PLANT}`, { headers: auth })).body.reading
            .totals.generation_mw;
        expect(await gen(a.url)).toBe(await gen(b.url));
        expect(await gen(a.url)).not.toBe(await gen(c.url));
      } finally {
        await Promise.all([a.app.close(), b.app.close(), c.app.close()]);
      }
    });
  });

  describe('several plants', () => {
    it('serves each configured plant with its own bounds and consumption', async () => {
      const plants = JSON.stringify([
        { id: 'complexo-paranhos', gen_min_mw: 0.1, gen_max_mw: 0.2 },
        { id: 'usina-norte', gen_min_mw: 5, gen_max_mw: 6 },
      ]);
      const { app: multi, url: u } = await startPlant({ PLANTS: plants });
      try {
        const north = await http<{ reading: Reading }>(`${u}/data/latest?plant_id=usina-norte`, { headers: auth });
        expect(north.body.reading.totals.generation_mw).toBeGreaterThanOrEqual(5);
        await postJson(`${u}/data/consumption?plant_id=usina-norte`, { expected_consumption_mw: 4 });
        const after = await http<{ reading: Reading }>(`${u}/data/latest?plant_id=usina-norte`, { headers: auth });
        expect(after.body.reading.totals.consumption_mw).toBe(4);
        const first = await http<{ reading: Reading }>(`${u}/data/latest?plant_id=complexo-paranhos`, {
          headers: auth,
        });
        expect(first.body.reading.totals.consumption_mw).toBe(0);
        expect((await postJson(`${u}/data/consumption?plant_id=nope`, { expected_consumption_mw: 1 })).status).toBe(
          404,
        );
      } finally {
        await multi.close();
      }
    });
  });

  describe('operations', () => {
    it('serves /health/live, /metrics and /docs', async () => {
      expect((await http(`${url}/health/live`)).body).toEqual({ status: 'ok' });
      const metrics = await http<string>(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('http_request_duration_seconds_bucket');
      expect(metrics.body).toContain('route="/data/latest"');
      expect((await http(`${url}/docs`)).status).toBe(200);
      const spec = await http<{ paths: Record<string, unknown> }>(`${url}/docs/openapi.json`);
      expect(Object.keys(spec.body.paths)).toEqual(
        expect.arrayContaining(['/data/latest', '/data/consumption', '/health']),
      );
    });

    it('is ready with the broker up, 503 while it is unreachable, and keeps serving data either way', async () => {
      const up = await startPlant({ MQTT_URL: testServices.mqttUrl });
      const down = await startPlant({ MQTT_URL: 'mqtt://127.0.0.1:1' });
      try {
        const ready = await eventually(
          () => http<{ status: string }>(`${up.url}/health/ready`),
          (r) => r.status === 200,
        );
        expect(ready.body).toMatchObject({ status: 'ok', details: { mqtt: { status: 'up' } } });
        const notReady = await http<{ status: string }>(`${down.url}/health/ready`);
        expect(notReady.status).toBe(503);
        expect(notReady.body).toMatchObject({ status: 'error', details: { mqtt: { status: 'down' } } });
        expect((await http(`${down.url}/data/latest?plant_id=${PLANT}`, { headers: auth })).status).toBe(200);
        expect((await http(`${down.url}/health/live`)).status).toBe(200);
      } finally {
        await Promise.all([up.app.close(), down.app.close()]);
      }
    });
  });
});
