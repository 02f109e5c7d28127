import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import { BUS_PATTERNS } from '@lib/contracts';
import { MqttClient, connectAsync } from 'mqtt';
import WebSocket from 'ws';
import { createIotMockApp } from '../apps/iot-mock/src/app.factory';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { testServices } from './services';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from './support/infra';
import { testToken } from './support/auth';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';

const TOKEN = 'gridpilot-e2e-token-0123456789';
const PLANT = `gp-plant-${process.pid}`;
const DB = `gp_e2e_${process.pid}`;
const SERVER = `gp-server-${process.pid}`;
const HVAC = `gp-hvac-${process.pid}`;
const BAND = { min: 0, max: 50 };

type Json = Record<string, unknown>;
interface Cycle {
  cycle_result: {
    success: boolean;
    allocation: Record<string, number>;
    power_requirements: { total_power_kw: number; battery_power_kw: number };
    constraints_satisfied: boolean;
    dispatch: { id: number; status: string; export_kw: number | null };
  };
}
interface Reading {
  reading: { totals: { consumption_mw: number; generation_mw: number; exported_mw: number } };
}

const plantConfig = () =>
  loadPlantSimulatorConfig([], {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PLANT_TOKEN: TOKEN,
    PLANT_ID: PLANT,
    GEN_MIN_MW: '0.2',
    GEN_MAX_MW: '0.45',
    STEP_MW: '0.01',
    INTERVAL_S: '0.5',
    PLANT_SEED: '11',
  });

describe('gridpilot-optimizer (document 003) closing the loop with a real plant-simulator and iot-mock', () => {
  let plant: NestFastifyApplication;
  let plantUrl: string;
  let iot: NestFastifyApplication;
  let iotUrl: string;
  let app: NestFastifyApplication;
  let url: string;
  let bus: MqttClient;
  const busMessages: Json[] = [];

  const plantLatest = async (): Promise<Reading['reading']['totals']> =>
    (
      await http<Reading>(`${plantUrl}/data/latest?plant_id=${PLANT}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).body.reading.totals;

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    plant = await createPlantSimulatorApp(plantConfig());
    plantUrl = await listenOnFreePort(plant);

    iot = await createIotMockApp(
      loadIotMockConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MQTT_URL: testServices.mqttUrl,
        DATABASE_URL: 'sqlite::memory:',
        DEFAULT_DEVICES: 'false',
        SIMULATION_INTERVAL: '0.5',
      }),
    );
    iotUrl = await listenOnFreePort(iot);
    for (const [id, type] of [
      [SERVER, 'server'],
      [HVAC, 'hvac'],
    ]) {
      const created = await postJson(`${iotUrl}/api/v1/devices`, {
        device_id: id,
        device_type: type,
        name: id,
        base_power: 200,
      });
      expect(created.status).toBe(201);
    }

    bus = await connectAsync(testServices.mqttUrl, { clientId: `gp-e2e-bus-${process.pid}` });
    await bus.subscribeAsync(BUS_PATTERNS.siteChargingLimit, { qos: 1 });
    bus.on('message', (_topic, payload) => busMessages.push(JSON.parse(payload.toString()) as Json));

    const config = loadGridpilotConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: mysqlDatabaseUrl(DB),
      MQTT_URL: testServices.mqttUrl,
      PLANT_URL: plantUrl,
      PLANT_TOKEN: TOKEN,
      PLANT_ID: PLANT,
      PRICE_BACKFILL_DAYS: '14',
      WS_INTERVAL_S: '1',
      CONTROL_PERIOD_S: '0.5',
      MIN_ON_S: '2',
      MIN_OFF_S: '2',
      EXPORT_MIN_KW: String(BAND.min),
      EXPORT_MAX_KW: String(BAND.max),
      DISPATCH_DEVICES: `inference:${SERVER},cooling:${HVAC}`,
    });
    app = await createGridpilotApp(config);
    url = await listenOnFreePort(app);
    await eventually(
      () => http<{ metadata: { total_records: number } }>(`${url}/api/v1/data/prices?hours_back=24`),
      (r) => r.status === 200 && r.body.metadata.total_records > 200,
      30_000,
    );
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await iot?.close();
    await plant?.close();
    await bus?.endAsync();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  it('answers /, /health, /health/ready, /docs and the system status', async () => {
    expect((await http<Json>(`${url}/`)).body).toMatchObject({ service: 'gridpilot-optimizer', docs: '/docs' });
    expect((await http<Json>(`${url}/health`)).body).toMatchObject({ status: 'healthy' });
    const ready = await eventually(
      () => http<Json>(`${url}/health/ready`),
      (r) => r.status === 200,
    );
    expect(ready.status).toBe(200);
    const spec = await http<{ paths: Record<string, unknown> }>(`${url}/docs/openapi.json`);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/ml/forecast', '/api/v1/optimization/allocate', '/api/v1/system/run-full-cycle']),
    );
    const status = await http<Json>(`${url}/api/v1/system/status`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      status: 'operational',
      api_connectivity: { prices_available: true, plant_reachable: true, database_connected: true },
      performance_summary: { forecaster_ready: true },
    });
  });

  it('serves stored price history with the documented fields, and refuses a bad hours_back', async () => {
    const day = await http<{
      data: Json[];
      metadata: { total_records: number; price_range: { min: number; max: number } };
    }>(`${url}/api/v1/data/prices?hours_back=24`);
    expect(day.body.data[0]).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      energy_price: expect.any(Number),
      hash_price: expect.any(Number),
      token_price: expect.any(Number),
      volume: expect.any(Number),
      volatility_24h: expect.any(Number),
    });
    // 5-minute intervals: about 288 a day.
    expect(day.body.metadata.total_records).toBeGreaterThanOrEqual(287);
    const prices = day.body.data.map((p) => p.energy_price as number);
    expect(day.body.metadata.price_range).toEqual({ min: Math.min(...prices), max: Math.max(...prices) });
    const week = await http<{ metadata: { total_records: number } }>(`${url}/api/v1/data/prices?hours_back=168`);
    expect(week.body.metadata.total_records).toBeGreaterThan(7 * 287);
    for (const bad of ['0', '-5', 'abc', '100000']) {
      const res = await http<{ detail: { loc: string[] }[] }>(`${url}/api/v1/data/prices?hours_back=${bad}`);
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['query', 'hours_back']);
    }
  });

  it('forecasts prices with bounds, names its methods, and its backtest beats seasonal naive', async () => {
    const res = await postJson<{
      forecast: { predicted_price: number; lower_bound: number; upper_bound: number; timestamp: string }[];
      metadata: { methods_used: string[]; periods: number };
      backtest: { methods: { method: string; mae: number }[]; ensemble: { mae: number } };
    }>(`${url}/api/v1/ml/forecast`, { periods: 24, use_advanced: false });
    expect(res.status).toBe(200);
    expect(res.body.forecast).toHaveLength(24);
    for (const p of res.body.forecast) {
      expect(p.lower_bound).toBeLessThan(p.predicted_price);
      expect(p.upper_bound).toBeGreaterThan(p.predicted_price);
    }
    expect(res.body.metadata.methods_used).toEqual(['seasonal_naive', 'regression', 'holt_winters']);
    const naive = res.body.backtest.methods.find((m) => m.method === 'seasonal_naive');
    expect(res.body.backtest.ensemble.mae).toBeLessThan(naive?.mae ?? 0);
    const hours = res.body.forecast.map((p) => Date.parse(p.timestamp));
    expect(hours[1] - hours[0]).toBe(3_600_000);
  });

  it.each([
    [{ periods: -1 }, 'periods'],
    [{ periods: 10_000 }, 'periods'],
    [{ periods: 'many' }, 'periods'],
    [{ use_advanced: 'yes' }, 'use_advanced'],
  ])('refuses the forecast body %j naming %s', async (body, field) => {
    const res = await postJson<{ detail: { loc: string[] }[] }>(`${url}/api/v1/ml/forecast`, body);
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(['body', field]);
  });

  it('allocates with the MPC and the auction: payments within value, constraints satisfied', async () => {
    const res = await postJson<{
      allocation: Record<string, number>;
      payments: Record<string, number>;
      optimization_metrics: { total_allocation_kw: number; social_welfare: number };
      mpc: { status: string; steps: number };
      constraints_satisfied: boolean;
    }>(`${url}/api/v1/optimization/allocate`, { forecast_periods: 24, risk_aversion: 0.5, lambda_deg: 0.0002 });
    expect(res.status).toBe(200);
    expect(res.body.mpc).toMatchObject({ status: 'optimal', steps: 288 });
    expect(res.body.constraints_satisfied).toBe(true);
    expect(Object.keys(res.body.allocation).sort()).toEqual(['cooling', 'ev_charging', 'inference', 'training']);
    const sum =
      res.body.allocation.inference +
      res.body.allocation.training +
      res.body.allocation.ev_charging +
      res.body.allocation.cooling;
    expect(sum).toBeCloseTo(res.body.optimization_metrics.total_allocation_kw, 1);
    expect(res.body.allocation.cooling).toBeCloseTo(
      0.3 * (res.body.allocation.inference + res.body.allocation.training),
      1,
    );
    for (const payment of Object.values(res.body.payments)) expect(payment).toBeGreaterThanOrEqual(0);
    const bad = await postJson<{ detail: { loc: string[] }[] }>(`${url}/api/v1/optimization/allocate`, {
      risk_aversion: -1,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['body', 'risk_aversion']);
  });

  it('a full cycle dispatches: the plant consumes what was dispatched, devices and the CSMS limit follow', async () => {
    busMessages.length = 0;
    const res = await postJson<Cycle>(`${url}/api/v1/system/run-full-cycle`, { simulate: false });
    expect(res.status).toBe(200);
    const cycle = res.body.cycle_result;
    expect(cycle.dispatch.status).toBe('success');
    expect(cycle.success).toBe(true);
    const totals = await plantLatest();
    expect(totals.consumption_mw * 1000).toBeCloseTo(cycle.power_requirements.total_power_kw, 0);
    // The server carries inference, the HVAC the cooling: both acknowledged set_power.
    const device = async (id: string): Promise<number | null> =>
      (await http<{ power_setpoint: number | null }>(`${iotUrl}/api/v1/devices/${id}`)).body.power_setpoint;
    expect(await device(SERVER)).toBeCloseTo(cycle.allocation.inference, 1);
    expect(await device(HVAC)).toBeCloseTo(cycle.allocation.cooling, 1);
    const limit = await eventually(
      () => Promise.resolve(busMessages.at(-1)),
      (m) => m !== undefined,
    );
    expect(limit).toEqual({ limit: Math.round(cycle.allocation.ev_charging * 1000), unit: 'W' });
    // Recorded with its result.
    const history = await http<{ dispatches: { id: number; status: string; origin: string }[] }>(
      `${url}/api/v1/dispatch/history?limit=5`,
    );
    expect(history.body.dispatches.some((d) => d.id === cycle.dispatch.id && d.status === 'success')).toBe(true);
  });

  it('keeps the exported power in its band over several cycles while generation wanders', async () => {
    const exported: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postJson<Cycle>(`${url}/api/v1/system/run-full-cycle`, { simulate: false });
      expect(res.body.cycle_result.constraints_satisfied).toBe(true);
      // Between cycles the control loop follows generation (CONTROL_PERIOD_S = 0.5, band = dead band).
      for (let k = 0; k < 6; k++) {
        await new Promise((r) => setTimeout(r, 500));
        exported.push((await plantLatest()).exported_mw * 1000);
      }
    }
    // Generation moves up to 10 kW per 0.5 s between control ticks: allow one step of lag.
    const slack = 25;
    for (const kw of exported) {
      expect(kw).toBeGreaterThanOrEqual(BAND.min - slack);
      expect(kw).toBeLessThanOrEqual(BAND.max + slack);
    }
    const inside = exported.filter((kw) => kw >= BAND.min && kw <= BAND.max).length;
    expect(inside / exported.length).toBeGreaterThan(0.7);
  }, 30_000);

  it('dispatch/execute sends the last allocation, and a dry run sends nothing', async () => {
    const real = await postJson<{
      dispatch_result: { status: string; payload: { power_requirements: { total_power_kw: number } } };
    }>(`${url}/api/v1/dispatch/execute`, {});
    expect(real.status).toBe(200);
    expect(['success', 'unreachable']).toContain(real.body.dispatch_result.status);
    const dry = await postJson<{ dispatch_result: { status: string; targets: unknown[] } }>(
      `${url}/api/v1/dispatch/execute`,
      {
        simulate: true,
      },
    );
    expect(dry.body.dispatch_result).toMatchObject({ status: 'simulated', targets: [] });
    const noBody = await http<{ dispatch_result: { status: string } }>(`${url}/api/v1/dispatch/execute`, {
      method: 'POST',
    });
    expect(noBody.status).toBe(200);
  });

  it('counts a dispatch as failed when a device in an offline fault does not acknowledge it', async () => {
    const fault = (command: string, parameters: Json = {}) =>
      postJson(`${iotUrl}/api/v1/devices/${HVAC}/command`, { command, parameters });
    expect((await fault('inject_fault', { fault: 'offline' })).status).toBe(200);
    try {
      const failedBefore = (await http<{ dispatch: { failed: number } }>(`${url}/api/v1/system/status`)).body.dispatch
        .failed;
      const res = await postJson<{
        dispatch_result: { status: string; targets: { target: string; ok: boolean; error?: string }[] };
      }>(`${url}/api/v1/dispatch/execute`, {});
      expect(res.status).toBe(200);
      const targets = res.body.dispatch_result.targets;
      expect(targets.find((t) => t.target === `device:${HVAC}`)).toMatchObject({
        ok: false,
        error: expect.stringContaining('no acknowledgement'),
      });
      expect(targets.find((t) => t.target === `device:${SERVER}`)?.ok).toBe(true);
      expect(res.body.dispatch_result.status).toBe('partial');
      const status = await http<{ dispatch: { failed: number; last_status: string } }>(`${url}/api/v1/system/status`);
      expect(status.body.dispatch.failed).toBeGreaterThan(failedBefore);
    } finally {
      expect((await fault('clear_fault')).status).toBe(200);
    }
  });

  it('refuses the live WebSocket without a viewer token', async () => {
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/live-data`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
  });

  it('streams live data over the WebSocket every interval', async () => {
    const token = await testToken({ role: 'viewer' });
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/live-data?access_token=${token}`);
    const messages: Json[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as Json));
    await eventually(
      () => Promise.resolve(messages.length),
      (n) => n >= 2,
      5000,
    );
    socket.close();
    expect(messages[1]).toMatchObject({
      timestamp: expect.any(String),
      prices: { current: expect.any(Number), trend: expect.stringMatching(/rising|falling|stable/) },
      inventory: { power_available: expect.any(Number), battery_soc: expect.any(Number) },
      allocation: { inference: expect.any(Number), cooling: expect.any(Number) },
      system_metrics: { total_allocation_kw: expect.any(Number), constraints_satisfied: true },
    });
  });

  it('serves the current plan over the whole horizon, computed at start-up, and says when in its status', async () => {
    const plan = await eventually(
      () =>
        http<{
          computed_at: string;
          status: string;
          step_minutes: number;
          horizon_hours: number;
          export_band_kw: { min_kw: number; max_kw: number };
          steps: { start: string; soc: number; battery_kw: number; export_kw: number; price_per_mwh: number }[];
        }>(`${url}/api/v1/optimization/plan`),
      (r) => r.status === 200,
      20_000,
    );
    expect(plan.body.status).toBe('optimal');
    // The band the plan keeps the export in, as configured (EXPORT_MIN_KW / EXPORT_MAX_KW defaults).
    expect(plan.body.export_band_kw).toEqual({ min_kw: BAND.min, max_kw: BAND.max });
    expect(plan.body.steps).toHaveLength((plan.body.horizon_hours * 60) / plan.body.step_minutes);
    const [first, second] = plan.body.steps;
    expect(Date.parse(second.start) - Date.parse(first.start)).toBe(plan.body.step_minutes * 60_000);
    for (const step of plan.body.steps) {
      expect(step.soc).toBeGreaterThanOrEqual(0);
      expect(step.soc).toBeLessThanOrEqual(1);
      expect(step.price_per_mwh).toEqual(expect.any(Number));
    }
    const status = await http<{ system_metrics: { last_optimization_at: string | null } }>(
      `${url}/api/v1/system/status`,
    );
    expect(status.body.system_metrics.last_optimization_at).not.toBeNull();
  });

  it('reports the inventory from the plant, telemetry and its own plan', async () => {
    const res = await http<Json>(`${url}/api/v1/data/inventory`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      power: { total_kw: 1000, used_kw: expect.any(Number) },
      battery: { soc: expect.any(Number), capacity_mwh: 1 },
      gpu: { utilization: expect.any(Number) },
      generation: { generation_kw: expect.any(Number) },
    });
  });

  it('keeps serving while the plant is away, says so, and recovers by itself when it returns', async () => {
    const port = Number(new URL(plantUrl).port);
    await plant.close();
    type Status = { status: string; api_connectivity: { plant_reachable: boolean } };
    const down = await eventually(
      () => http<Status>(`${url}/api/v1/system/status`),
      (r) => !r.body.api_connectivity.plant_reachable,
    );
    expect(down.body.status).toBe('degraded');
    const allocation = await postJson<{ notes: string[]; mpc: { status: string } }>(
      `${url}/api/v1/optimization/allocate`,
      {},
    );
    expect(allocation.status).toBe(200);
    expect(allocation.body.mpc.status).toBe('optimal');
    expect(allocation.body.notes.join(' ')).toContain('no plant reading');
    const dispatch = await postJson<{
      dispatch_result: { status: string; targets: { target: string; ok: boolean }[] };
    }>(`${url}/api/v1/dispatch/execute`, {});
    // The devices and the bus are still reached; the plant is not, and the record says so.
    expect(dispatch.body.dispatch_result.status).toBe('partial');
    expect(dispatch.body.dispatch_result.targets.find((t) => t.target === 'plant')?.ok).toBe(false);
    plant = await createPlantSimulatorApp(plantConfig());
    await plant.listen(port, '127.0.0.1');
    const up = await eventually(
      () => http<Status>(`${url}/api/v1/system/status`),
      (r) => r.body.api_connectivity.plant_reachable,
    );
    expect(up.body.status).toBe('operational');
  });

  it('keeps its price history across a restart', async () => {
    const before = await http<{ metadata: { total_records: number } }>(`${url}/api/v1/data/prices?hours_back=48`);
    await app.close();
    app = await createGridpilotApp(
      loadGridpilotConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(DB),
        PRICE_SOURCE: 'http',
        PRICE_URL: 'http://127.0.0.1:9/unreachable',
        CONTROL_LOOP: 'false',
      }),
    );
    url = await listenOnFreePort(app);
    const after = await eventually(
      () => http<{ metadata: { total_records: number; source: string } }>(`${url}/api/v1/data/prices?hours_back=48`),
      (r) => r.body.metadata.total_records >= before.body.metadata.total_records - 1,
      15_000,
    );
    // The feed is unreachable: everything served comes from the database.
    expect(after.body.metadata.total_records).toBeGreaterThanOrEqual(before.body.metadata.total_records - 1);
    const status = await http<{ api_connectivity: { price_error: string | null } }>(`${url}/api/v1/system/status`);
    expect(status.body.api_connectivity.price_error).toEqual(expect.any(String));
  });
});
