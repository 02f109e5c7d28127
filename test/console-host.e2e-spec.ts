import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { loadConsoleConfig } from '../apps/console/src/console.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { createConsoleApp } from '../apps/console/src/app.factory';
import { testServices } from './services';
import { testToken } from './support/auth';
import { eventually, http, listenOnFreePort } from './support/http';

interface Frame {
  type: 'snapshot' | 'update' | 'apps' | 'error';
  detail?: string;
  items?: { kind: string; key: string; data: Record<string, unknown> }[];
  apps?: { name: string; app: string; state: string }[];
  bus?: string;
}

/** A WebSocket to /ws/live that keeps every frame it receives. */
async function liveSocket(url: string, token: string | null): Promise<{ socket: WebSocket; frames: Frame[] }> {
  const frames: Frame[] = [];
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/live${token ? `?access_token=${token}` : ''}`);
  socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
  return { socket, frames };
}

const plantId = `console-${process.pid}`;

/**
 * The console host against real apps and the real broker: the proxy under one origin (and a 502
 * naming an app that is away), the web app's routes, and the live feed: a viewer's token, one
 * snapshot then batched updates, invalid bus messages dropped and counted.
 */
describe('console host (real HTTP, WebSocket, Mosquitto)', () => {
  let plant: NestFastifyApplication;
  let plantUrl: string;
  let consoleApp: NestFastifyApplication;
  let url: string;
  let broker: MqttClient;
  let deadPort: number;
  let webDir: string;

  beforeAll(async () => {
    plant = await createPlantSimulatorApp(
      loadPlantSimulatorConfig([], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PLANT_ID: plantId,
        INTERVAL_S: '3600',
        MQTT_URL: testServices.mqttUrl,
      }),
    );
    plantUrl = await listenOnFreePort(plant);
    // A port where nothing answers: the app behind it is "down".
    const probe: Server = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    deadPort = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>console test page</title>');
    writeFileSync(join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
    consoleApp = await createConsoleApp(
      loadConsoleConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MQTT_URL: testServices.mqttUrl,
        PLANT_URL: plantUrl,
        CSMS_URL: `http://127.0.0.1:${deadPort}`,
        PLANT_ID: plantId,
        CONSOLE_WEB_DIR: webDir,
        CONSOLE_LIVE_FLUSH_MS: '100',
        CONSOLE_HEALTH_INTERVAL_MS: '500',
      }),
    );
    url = await listenOnFreePort(consoleApp);
    broker = await connectAsync(testServices.mqttUrl, { clientId: `console-test-${process.pid}` });
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      10_000,
    );
  }, 60_000);

  afterAll(async () => {
    await broker?.endAsync();
    await consoleApp?.close();
    await plant?.close();
  });

  it("serves an app's API under /api/<app>/ with the caller's own token", async () => {
    const viewer = await testToken({ role: 'viewer' });
    const through = await http<{ reading: { totals: { generation_mw: number } } }>(
      `${url}/api/plant/data/latest?plant_id=${plantId}`,
      { headers: { authorization: `Bearer ${viewer}` } },
    );
    const direct = await http<{ reading: { totals: { generation_mw: number } } }>(
      `${plantUrl}/data/latest?plant_id=${plantId}`,
    );
    expect(through.status).toBe(200);
    expect(through.body.reading.totals.generation_mw).toBe(direct.body.reading.totals.generation_mw);
    // No token: the plant itself refuses, through the console as directly.
    expect((await http(`${url}/api/plant/data/latest?plant_id=${plantId}`, { anonymous: true })).status).toBe(401);
    // A body goes through as JSON, and the plant's own validation answers.
    const bad = await http<{ detail: { loc: string[] }[] }>(`${url}/api/plant/data/consumption?plant_id=${plantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expected_consumption_mw: 'lots' }),
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toContain('expected_consumption_mw');
  });

  it('answers 502 naming the app that does not answer, and says so on /api/console/site', async () => {
    const res = await http<{ detail: string }>(`${url}/api/csms/stations`);
    expect(res.status).toBe(502);
    expect(res.body.detail).toBe('ocpp-csms is not reachable');
    const site = await eventually(
      () =>
        http<{ apps: { name: string; state: string }[]; timezone: string }>(`${url}/api/console/site`, {
          anonymous: true,
        }),
      (r) => r.body.apps.find((a) => a.name === 'plant')?.state === 'up',
    );
    expect(site.body.apps.find((a) => a.name === 'csms')?.state).toBe('down');
    expect(site.body.apps.find((a) => a.name === 'plant')?.state).toBe('up');
    expect(site.body.timezone).toEqual(expect.any(String));
    expect(JSON.stringify(site.body)).not.toContain('127.0.0.1');
  });

  it('serves the web app on its own routes, and a 404 for what is not a page', async () => {
    for (const path of ['/', '/site', '/charging/CP-1']) {
      const res = await fetch(`${url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(await res.text()).toContain('console test page');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const asset = await fetch(`${url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    const api = await http<{ detail: string }>(`${url}/api/unknown/thing`, { anonymous: true });
    expect(api.status).toBe(404);
    expect(api.body.detail).toContain('/api/unknown/thing');
  });

  it('refuses the live feed without a valid token', async () => {
    await expect(liveSocket(url, null)).rejects.toThrow('HTTP 401');
    await expect(liveSocket(url, await testToken({ ttlS: -60 }))).rejects.toThrow('HTTP 401');
  });

  it("sends a viewer one snapshot, then the bus's plant readings within a flush, never an invalid message", async () => {
    const { socket, frames } = await liveSocket(url, await testToken({ role: 'viewer' }));
    try {
      await eventually(
        () => Promise.resolve(frames),
        (f) => f.length > 0,
      );
      expect(frames[0].type).toBe('snapshot');
      expect(frames[0].apps?.map((a) => a.name).sort()).toEqual(['csms', 'gridpilot', 'iot', 'plant', 'solarhub']);
      // The plant publishes a new reading when its consumption is set.
      await http(`${plantUrl}/data/consumption?plant_id=${plantId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ expected_consumption_mw: 0.123 }),
      });
      const seen = await eventually(
        () =>
          Promise.resolve(frames.flatMap((f) => f.items ?? []).filter((i) => i.kind === 'plant' && i.key === plantId)),
        (items) =>
          items.some((i) => (i.data.reading as { totals: { consumption_mw: number } }).totals.consumption_mw === 0.123),
        5000,
      );
      expect(seen.length).toBeGreaterThan(0);
      // A forged reading (consumption far beyond any plant) is refused and counted, never forwarded.
      const before = await http<string>(`${url}/metrics`, { anonymous: true });
      const count = (text: string): number =>
        Number(
          /bus_invalid_messages_total\{[^}]*topic="energy\/plants\/\+\/reading"[^}]*reason="invalid"[^}]*\} (\d+)/.exec(
            text,
          )?.[1] ?? 0,
        );
      await broker.publishAsync(
        `energy/plants/${plantId}/reading`,
        JSON.stringify({ plant_id: plantId, seq: 1, reading: { totals: { consumption_mw: 1e300 } } }),
        { qos: 1 },
      );
      const after = await eventually(
        () => http<string>(`${url}/metrics`, { anonymous: true }),
        (r) => count(r.body) > count(before.body),
        5000,
      );
      expect(count(after.body)).toBe(count(before.body) + 1);
      await new Promise((r) => setTimeout(r, 300));
      const forged = frames
        .flatMap((f) => f.items ?? [])
        .filter((i) => i.kind === 'plant' && JSON.stringify(i.data).includes('1e+300'));
      expect(forged).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('batches a burst of device readings into a few frames with the latest value of each', async () => {
    const { socket, frames } = await liveSocket(url, await testToken({ role: 'viewer' }));
    try {
      await eventually(
        () => Promise.resolve(frames),
        (f) => f.length > 0,
      );
      const id = `console-dev-${process.pid}`;
      const start = frames.length;
      for (let seq = 1; seq <= 200; seq++) {
        broker.publish(
          `energy/devices/${id}/data`,
          JSON.stringify({
            device_id: id,
            device_type: 'hvac',
            timestamp: new Date().toISOString(),
            power: seq,
            voltage: 230,
            current: 1,
            energy: seq,
            status: 'online',
            enabled: true,
            seq,
          }),
          { qos: 0 },
        );
      }
      const last = await eventually(
        () =>
          Promise.resolve(
            frames
              .slice(start)
              .flatMap((f) => f.items ?? [])
              .filter((i) => i.key === id),
          ),
        (items) => items.some((i) => i.data.power === 200),
        5000,
      );
      // 200 readings arrive as a handful of frames, not 200 (the flush is 100 ms here).
      expect(last.length).toBeLessThan(40);
      expect(last.at(-1)?.data.power).toBe(200);
    } finally {
      socket.close();
    }
  });
  it("sends a browser only the stations it follows, and every browser the whole site's totals", async () => {
    const followed = `CON-A-${process.pid}`;
    const other = `CON-B-${process.pid}`;
    const publishStation = async (station: string, powerW: number, tx: number): Promise<void> => {
      const timestamp = new Date().toISOString();
      await broker.publishAsync(
        `energy/stations/${station}/status`,
        JSON.stringify({
          station_id: station,
          connected: true,
          connectors: [
            { connector_id: 1, status: 'Charging', error_code: 'NoError', transaction_id: tx, id_tag: 'T1' },
          ],
          timestamp,
        }),
        { qos: 1 },
      );
      await broker.publishAsync(
        `energy/stations/${station}/meter`,
        JSON.stringify({
          station_id: station,
          connector_id: 1,
          transaction_id: tx,
          power_w: powerW,
          energy_wh: 1000,
          session_energy_wh: 500,
          soc_pct: null,
          timestamp,
        }),
        { qos: 1 },
      );
    };
    const { socket, frames } = await liveSocket(url, await testToken({ role: 'viewer' }));
    try {
      await eventually(
        () => Promise.resolve(frames),
        (f) => f.length > 0,
      );
      await publishStation(followed, 7000, 1);
      await publishStation(other, 11000, 2);
      const totalsOf = (): Record<string, number> | undefined =>
        frames
          .flatMap((f) => f.items ?? [])
          .filter((i) => i.kind === 'station_totals')
          .at(-1)?.data as Record<string, number> | undefined;
      // Before it follows any, the browser gets no station, but the sums over both.
      await eventually(
        () => Promise.resolve(totalsOf()),
        (t) => (t?.power_w ?? 0) >= 18000,
        5000,
      );
      const stationItems = (from = 0) =>
        frames
          .slice(from)
          .flatMap((f) => f.items ?? [])
          .filter((i) => i.kind === 'station_status' || i.kind === 'station_meter');
      expect(stationItems()).toEqual([]);
      expect(totalsOf()).toMatchObject({ connected: expect.any(Number), sessions: expect.any(Number) });
      expect(totalsOf()?.sessions).toBeGreaterThanOrEqual(2);

      // Following one station: its current values at once, then its changes, never the other's.
      const start = frames.length;
      socket.send(JSON.stringify({ type: 'subscribe', stations: [followed] }));
      await eventually(
        () => Promise.resolve(stationItems(start)),
        (items) => items.some((i) => i.kind === 'station_meter' && i.data.power_w === 7000),
        5000,
      );
      await publishStation(other, 3000, 2);
      await publishStation(followed, 7400, 1);
      await eventually(
        () => Promise.resolve(stationItems(start)),
        (items) => items.some((i) => i.kind === 'station_meter' && i.data.power_w === 7400),
        5000,
      );
      expect(stationItems(start).every((i) => i.data.station_id === followed)).toBe(true);

      // A message it cannot read is answered, by name, and changes nothing.
      socket.send(JSON.stringify({ type: 'subscribe', stations: 'all' }));
      const refused = await eventually(
        () => Promise.resolve(frames.find((f) => f.type === 'error')),
        (f) => f !== undefined,
        5000,
      );
      expect(refused?.detail).toMatch(/^stations:/);
    } finally {
      socket.close();
    }
  });
});
