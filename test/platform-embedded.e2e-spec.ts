import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_NAMES, DOCUMENTED_PLANT_TOKEN } from '@lib/config';
import { PLANT_TOPICS, PlantReadingMessage } from '@lib/contracts';
import { connectAsync } from 'mqtt';
import { eventually, http, postJson } from './support/http';
import { freePort } from './support/infra';

/**
 * `npm start` on a machine with no MySQL, Redis or broker: the launcher builds the apps, starts
 * an in-process broker and all five apps on SQLite, and they talk to each other over it.
 */
describe('the platform in embedded mode (npm start)', () => {
  let launcher: ChildProcess;
  let output = '';
  const ports: Record<string, number> = {};
  let mqttPort: number;
  let mqttUrl: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-'));

  beforeAll(async () => {
    for (const app of APP_NAMES) ports[app] = await freePort();
    mqttPort = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      EMBEDDED_MQTT_PORT: String(mqttPort),
      PLATFORM_DATA_DIR: dataDir,
      PLATFORM_SEED_DAYS: '1',
      OCPP_PORT: String(await freePort()),
    };
    for (const app of APP_NAMES) env[`${app.toUpperCase().replace(/-/g, '_')}_PORT`] = String(ports[app]);
    launcher = spawn(process.execPath, ['scripts/platform.js'], { cwd: join(__dirname, '..'), env });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 240_000;
    while (!output.includes('[platform] ready')) {
      if (Date.now() > deadline || launcher.exitCode !== null) throw new Error(`platform did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // The launcher falls back to a free port when the wanted one was taken meanwhile.
    mqttUrl = /embedded MQTT broker \(aedes\) on (mqtt:\/\/\S+)/.exec(output)?.[1] ?? '';
  }, 300_000);

  afterAll(() => {
    if (launcher.exitCode === null) launcher.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the console and its login first, then every app with its URL and docs', () => {
    const consoleLine = `Console: http://localhost:${ports.console}  (user admin, password secret)`;
    expect(output).toContain(consoleLine);
    for (const app of APP_NAMES.filter((a) => a !== 'console')) {
      expect(output).toContain(`http://localhost:${ports[app]}/docs`);
      expect(output.indexOf(`http://localhost:${ports[app]}/docs`)).toBeGreaterThan(output.indexOf(consoleLine));
    }
    expect(mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the console: its web app, every app through it, and their health', async () => {
    const consoleUrl = `http://127.0.0.1:${ports.console}`;
    const page = await fetch(`${consoleUrl}/site`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module"[^>]+src="\/assets\/index-[^"]+\.js"/);
    const site = await eventually(
      () => http<{ apps: { name: string; state: string }[]; bus: string }>(`${consoleUrl}/api/console/site`),
      (r) => r.body.apps.every((a) => a.state === 'up') && r.body.bus === 'connected',
      20_000,
    );
    expect(site.body.apps.map((a) => `${a.name}:${a.state}`).sort()).toEqual([
      'csms:up',
      'gridpilot:up',
      'iot:up',
      'plant:up',
      'solarhub:up',
    ]);
    expect((await http(`${consoleUrl}/api/csms/stations`)).status).toBe(200);
  });

  it('keeps auth on, prints the admin login and a curl line whose token works, and gives the optimizer a service token', async () => {
    const curl = /curl -H "Authorization: Bearer (\S+)" (http:\/\/localhost:\d+\/stations)/.exec(output);
    expect(curl).not.toBeNull();
    const [, token, stationsUrl] = curl as RegExpExecArray;
    expect(stationsUrl).toBe(`http://localhost:${ports['ocpp-csms']}/stations`);
    const stations = `http://127.0.0.1:${ports['ocpp-csms']}/stations`;
    expect((await http(stations, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await http(stations, { anonymous: true })).status).toBe(401);
    const tokens = await http<{ name: string; role: string; revoked_at: string | null }[]>(
      `http://127.0.0.1:${ports['solarhub-api']}/api/v1/auth/service-tokens`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(tokens.body.filter((t) => t.name === 'gridpilot-optimizer' && !t.revoked_at)).toEqual([
      expect.objectContaining({ role: 'operator' }),
    ]);
  });

  it('serves every app, each ready on the embedded broker', async () => {
    for (const app of APP_NAMES) {
      expect((await http(`http://127.0.0.1:${ports[app]}/health/live`)).status).toBe(200);
      expect((await http(`http://127.0.0.1:${ports[app]}/docs/openapi.json`)).status).toBe(200);
      const root = await http<{ service?: string }>(`http://127.0.0.1:${ports[app]}/`, { anonymous: true });
      expect({ app, status: root.status }).toEqual({ app, status: 200 });
      // Ready means its own dependencies work on the embedded defaults (SQLite migrations, broker).
      const ready = await eventually(
        () => http(`http://127.0.0.1:${ports[app]}/health/ready`),
        (r) => r.status === 200,
        20_000,
      );
      expect({ app, status: ready.status, body: ready.body }).toMatchObject({ app, status: 200 });
    }
    const ready = await http<{ details: Record<string, { status: string }> }>(
      `http://127.0.0.1:${ports['plant-simulator']}/health/ready`,
    );
    expect(ready.status).toBe(200);
    expect(ready.body.details.mqtt.status).toBe('up');
  });

  it('refuses anonymous broker clients', async () => {
    await expect(connectAsync(mqttUrl, { reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow(
      /Not authorized|Bad username or password/i,
    );
  });

  it('carries plant readings over the embedded broker, readable by the console user', async () => {
    const credentials = JSON.parse(readFileSync(join(dataDir, 'mqtt-credentials.json'), 'utf8')) as { console: string };
    const client = await connectAsync(mqttUrl, { username: 'console', password: credentials.console });
    try {
      const plantUrl = `http://127.0.0.1:${ports['plant-simulator']}`;
      const received = new Promise<PlantReadingMessage>((resolve) => {
        client.on('message', (_topic, payload) => {
          const message = JSON.parse(payload.toString()) as PlantReadingMessage;
          if (message.reading.totals.consumption_mw === 0.25) resolve(message);
        });
      });
      await client.subscribeAsync(PLANT_TOPICS.allReadings(PLANT_TOPICS.defaultPrefix), { qos: 1 });
      expect((await postJson(`${plantUrl}/data/consumption`, { expected_consumption_mw: 0.25 })).status).toBe(200);
      const message = await received;
      expect(message.plant_id).toBe('complexo-paranhos');
      const latest = await http<{ reading: { totals: { consumption_mw: number } } }>(
        `${plantUrl}/data/latest?plant_id=complexo-paranhos`,
        { headers: { authorization: `Bearer ${DOCUMENTED_PLANT_TOKEN}` } },
      );
      expect(latest.body.reading.totals.consumption_mw).toBe(0.25);
    } finally {
      await client.endAsync();
    }
  });

  it("feeds solarhub-api: seeded history, and live telemetry from iot-mock's site assets", async () => {
    const solarhub = `http://127.0.0.1:${ports['solarhub-api']}`;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const loss = await http<{ daily_data: { charge_energy: number }[] }>(
      `${solarhub}/api/v1/analysis/power-loss?start_time=${yesterday}%2000:00:00&days=1`,
    );
    expect(loss.body.daily_data[0].charge_energy).toBeGreaterThan(0);
    // Live: iot-mock's bess-1 reports every few seconds; the BESS view shows a reading seconds old.
    const live = await eventually(
      () => http<{ updated_at: string | null }>(`${solarhub}/api/v1/bess/1`),
      (r) => r.body.updated_at !== null && Date.now() - Date.parse(`${r.body.updated_at}Z`) < 30_000,
      30_000,
    );
    expect(live.status).toBe(200);
    expect(output).toContain('created 14 site assets in iot-mock');
  });

  it('brings up four EV chargers as CSMS stations, with a car charging within a minute of the start', async () => {
    const token = /curl -H "Authorization: Bearer (\S+)"/.exec(output)?.[1] ?? '';
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const csms = `http://127.0.0.1:${ports['ocpp-csms']}`;
    const chargers = ['charger-1', 'charger-2', 'charger-3', 'charger-4'];
    await eventually(
      () => http<{ station_id: string; connected: boolean }[]>(`${csms}/stations`, auth),
      (r) => r.status === 200 && chargers.every((id) => r.body.some((s) => s.station_id === id && s.connected)),
      30_000,
    );
    // The simulated drivers' demo car (or a commuter or resident already due) charges at charger-1.
    const active = await eventually(
      () => http<{ station_id: string; id_tag: string }[]>(`${csms}/transactions?active=true`, auth),
      (r) => r.status === 200 && r.body.some((t) => t.station_id === 'charger-1'),
      60_000,
    );
    expect(active.body.find((t) => t.station_id === 'charger-1')?.id_tag).toMatch(/^(DEMO|EMP|RES)-\d{3}$/);
  }, 100_000);

  it('runs the optimizer (the built bundle) against the plant: the plant consumes what was dispatched', async () => {
    const gridpilot = `http://127.0.0.1:${ports['gridpilot-optimizer']}`;
    const cycle = await postJson<{
      cycle_result: {
        constraints_satisfied: boolean;
        dispatch: { status: string; message: string };
        power_requirements: { total_power_kw: number };
      };
    }>(`${gridpilot}/api/v1/system/run-full-cycle`, { simulate: false });
    expect(cycle.status).toBe(200);
    // Shown whole on failure: the message names the target that refused.
    const { status, message } = cycle.body.cycle_result.dispatch;
    expect(`${status}: ${message}`).toMatch(/^(success|unreachable): /);
    const plant = await http<{ reading: { totals: { consumption_mw: number } } }>(
      `http://127.0.0.1:${ports['plant-simulator']}/data/latest?plant_id=complexo-paranhos`,
      { headers: { authorization: `Bearer ${DOCUMENTED_PLANT_TOKEN}` } },
    );
    // The control loop may have adjusted it since; it stays a dispatched figure, never the default 0.
    expect(plant.body.reading.totals.consumption_mw).toBeGreaterThan(0);
    const forecast = await postJson<{ forecast: unknown[] }>(`${gridpilot}/api/v1/ml/forecast`, { periods: 12 });
    expect(forecast.body.forecast).toHaveLength(12);
  });

  it('stops every app gracefully on SIGTERM and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    launcher.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output.match(/"msg":"stopped"/g)).toHaveLength(APP_NAMES.length);
  });
});
