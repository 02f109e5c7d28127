import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MqttClient, connectAsync } from 'mqtt';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import { BessData, DEVICE_TOPICS } from '@lib/contracts';
import { createIotMockApp } from '../apps/iot-mock/src/app.factory';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { createSolarhubApp } from '../apps/solarhub-api/src/app.factory';
import { testServices } from './services';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { ingestEnv, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';

/**
 * The battery loop on the machine's Mosquitto and MariaDB: iot-mock runs a BESS, gridpilot's plan
 * charges it (generation far above what the one small load and the export band take), the
 * set-point goes out as a BessSetPointCommand, and the BESS's telemetry on the broker, and
 * solarhub-api's BESS view, follow. Then the BESS refuses (disabled) and goes offline (no ack):
 * gridpilot plans it at 0 kW and says so in its status until it answers again.
 */
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const TOKEN = 'bess-loop-e2e-token-0123456789';
const PLANT = `bl-plant-${RUN}`;
// solarhub-api takes the unit from the number an id ends with: unit 11 of 12.
const BESS = `bl-${RUN}-bess-11`;
const PCS = `bl-${RUN}-pcs-11`;
const GP_DB = `bl_gp_${process.pid}`;
const SH_DB = `bl_sh_${process.pid}`;
const CAPACITY_KWH = 1000; // iot-mock: twice the 500 kW rating
const ONE_WAY = Math.sqrt(0.9);

type Json = Record<string, unknown>;
interface Cycle {
  cycle_result: {
    power_requirements: { battery_power_kw: number; total_power_kw: number };
    dispatch: { status: string; message: string };
    notes: string[];
  };
}
interface BatteryStatus {
  device_id: string;
  state: string;
  available: boolean;
  planned_around: boolean;
  last_setpoint_kw: number | null;
  applied_kw: number | null;
  last_result: string | null;
  last_reason: string | null;
  last_error: string | null;
}
interface Received {
  at: number;
  message: BessData;
}

describe('the battery loop: gridpilot-optimizer → BESS set-point → telemetry → solarhub-api', () => {
  let plant: NestFastifyApplication;
  let iot: NestFastifyApplication;
  let iotUrl: string;
  let gridpilot: NestFastifyApplication;
  let gpUrl: string;
  let solarhub: NestFastifyApplication;
  let shUrl: string;
  let broker: MqttClient;
  const telemetry: Received[] = [];

  const cycle = async (): Promise<Cycle['cycle_result']> => {
    const res = await postJson<Cycle>(`${gpUrl}/api/v1/system/run-full-cycle`, { simulate: false });
    expect(res.status).toBe(200);
    return res.body.cycle_result;
  };
  const battery = async (): Promise<BatteryStatus> =>
    (await http<{ battery: BatteryStatus }>(`${gpUrl}/api/v1/system/status`)).body.battery;
  const command = (id: string, body: Json) => postJson<Json>(`${iotUrl}/api/v1/devices/${id}/command`, body);
  /** Telemetry of the BESS received after `since` (ms). */
  const after = (since: number): Received[] => telemetry.filter((t) => t.at > since);

  beforeAll(async () => {
    for (const db of [GP_DB, SH_DB]) {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
      await mysqlAdmin(`CREATE DATABASE ${db}`);
    }
    plant = await createPlantSimulatorApp(
      loadPlantSimulatorConfig([], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PLANT_TOKEN: TOKEN,
        PLANT_ID: PLANT,
        GEN_MIN_MW: '0.22',
        GEN_MAX_MW: '0.28',
        STEP_MW: '0.005',
        INTERVAL_S: '0.5',
        PLANT_SEED: '7',
      }),
    );
    const plantUrl = await listenOnFreePort(plant);

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
      [BESS, 'bess'],
      [PCS, 'pcs'],
    ]) {
      const created = await postJson(`${iotUrl}/api/v1/devices`, {
        device_id: id,
        device_type: type,
        name: id,
        base_power: 500,
      });
      expect(created.status).toBe(201);
    }

    solarhub = await createSolarhubApp(
      loadSolarhubConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(SH_DB),
        MQTT_URL: testServices.mqttUrl,
        ...ingestEnv(),
        JWT_SECRET_KEY: 'bess-loop-jwt-secret-0123456789abcdef',
        INGEST_FLUSH_MS: '200',
        BESS_NUMBER: '12',
        PCS_NUMBER: '12',
      }),
    );
    shUrl = await listenOnFreePort(solarhub);

    broker = await connectAsync(testServices.mqttUrl, { clientId: `bess-loop-e2e-${RUN}` });
    await broker.subscribeAsync(DEVICE_TOPICS.data(BESS), { qos: 1 });
    broker.on('message', (_topic, payload) =>
      telemetry.push({ at: Date.now(), message: JSON.parse(payload.toString()) as BessData }),
    );

    gridpilot = await createGridpilotApp(
      loadGridpilotConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(GP_DB),
        MQTT_URL: testServices.mqttUrl,
        PLANT_URL: plantUrl,
        PLANT_TOKEN: TOKEN,
        PLANT_ID: PLANT,
        PRICE_BACKFILL_DAYS: '14',
        REFRESH_INTERVAL_S: '3600',
        // One hour: the battery can take the whole surplus of the horizon, so it takes it from the first step.
        HORIZON_H: '1',
        CONTROL_PERIOD_S: '0.5',
        EXPORT_MIN_KW: '0',
        EXPORT_MAX_KW: '50',
        // One small load: the surplus has nowhere to go but into the battery.
        FLEXIBLE_LOADS: JSON.stringify([
          { name: 'inference', min_kw: 0, max_kw: 20, blocks: [{ kw: 20, value_per_mwh: 80 }] },
        ]),
        BATTERY_MAX_POWER_KW: '250',
        BESS_DEVICE_ID: BESS,
        DEVICE_COMMAND_TIMEOUT_MS: '1000',
      }),
    );
    gpUrl = await listenOnFreePort(gridpilot);
    await eventually(
      () => http<{ metadata: { total_records: number } }>(`${gpUrl}/api/v1/data/prices?hours_back=24`),
      (r) => r.status === 200 && r.body.metadata.total_records > 200,
      30_000,
    );
    // The plan reads the BESS's SOC and capacity from its telemetry.
    await eventually(
      () => http<{ battery: { source: string; capacity_mwh: number } }>(`${gpUrl}/api/v1/data/inventory`),
      (r) => r.body.battery?.source === 'telemetry',
      10_000,
    );
  }, 90_000);

  afterAll(async () => {
    await gridpilot?.close();
    await solarhub?.close();
    await iot?.close();
    await plant?.close();
    await broker?.endAsync();
    for (const db of [GP_DB, SH_DB]) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('sends the set-point the MPC chose; the BESS takes it and its power and SOC follow on the broker', async () => {
    const sent = Date.now();
    const result = await cycle();
    // Plan sign: + charging. About 250 kW of generation, 20 kW of load, at most 40 kW of export.
    const planned = result.power_requirements.battery_power_kw;
    expect(planned).toBeGreaterThan(100);
    const status = await battery();
    expect(status).toMatchObject({ device_id: BESS, state: 'available', planned_around: false, last_error: null });
    expect(['accepted', 'clamped']).toContain(status.last_result);
    // The full cycle sent the MPC's choice (history sign: + charging)…
    type History = { dispatches: { origin: string; timestamp: string; result: { battery_kw: number } }[] };
    const history = () => http<History>(`${gpUrl}/api/v1/dispatch/history?limit=100`);
    const cycleRecord = (await history()).body.dispatches.find((d) => d.origin === 'api');
    expect(cycleRecord?.result.battery_kw).toBeCloseTo(planned, 0);
    // …and the BESS holds the latest set-point it acknowledged (BESS sign: − charging): the cycle's,
    // or one a control step sent meanwhile. Control steps run beside the full cycle, so their
    // records may be written before or after the cycle's, and a step's ack reaches the status
    // before its record is written: look at every record since the case began, waiting for it.
    const since = Math.floor(sent / 1000) * 1000;
    const holds = (h: History) =>
      h.dispatches.some(
        (d) => Date.parse(d.timestamp) >= since && Math.abs(-d.result.battery_kw - (status.applied_kw ?? NaN)) < 0.5,
      );
    const recorded = await eventually(history, (r) => r.status === 200 && holds(r.body), 3000);
    expect(holds(recorded.body)).toBe(true);

    // The telemetry on the broker reports the set-point as its power…
    const applied = status.applied_kw ?? 0;
    const following = await eventually(
      () => Promise.resolve(after(sent).at(-1)?.message),
      (m) => m !== undefined && m.mode === 'Charging' && Math.abs(m.power - applied) <= Math.abs(applied) * 0.01,
      5000,
    );
    expect(following?.power).toBeLessThan(0);
    // …and its SOC rises by what went in, times √0.9, over the capacity.
    const start = following as BessData;
    await new Promise((r) => setTimeout(r, 6000));
    const end = after(sent).at(-1)?.message as BessData;
    expect(end.seq).toBeGreaterThan(start.seq);
    const inKwh = end.charge_energy_kwh - start.charge_energy_kwh;
    // ~6 s at the set-point (the timestamps are whole seconds: judge by the counter, within a second).
    expect(inKwh).toBeGreaterThan((Math.abs(applied) * 4.5) / 3600);
    expect(inKwh).toBeLessThan((Math.abs(applied) * 8) / 3600);
    expect(end.soc_pct).toBeGreaterThan(start.soc_pct);
    expect(end.soc_pct - start.soc_pct).toBeCloseTo(((inKwh * ONE_WAY) / CAPACITY_KWH) * 100, 1);
    expect(end.discharge_energy_kwh).toBe(start.discharge_energy_kwh);
  }, 30_000);

  it("solarhub-api's BESS and PCS endpoints show the power and SOC the devices report", async () => {
    const view = await eventually(
      () => http<{ summary: { mode: string; soc_pct: number; power_kw: number } | null }>(`${shUrl}/api/v1/bess/11`),
      (r) => {
        const latest = telemetry.at(-1)?.message;
        const s = r.body.summary;
        return (
          r.status === 200 &&
          !!s &&
          !!latest &&
          s.mode === 'Charging' &&
          Math.abs(s.soc_pct - latest.soc_pct) <= 0.2 &&
          Math.abs(s.power_kw - latest.power) <= Math.abs(latest.power) * 0.02
        );
      },
      10_000,
    );
    expect(view.body.summary?.power_kw).toBeLessThan(-100);
    // iot-mock does not link a PCS to its BESS: the PCS takes its own set-point, and shows it.
    const ack = await command(PCS, { command: 'set_power', parameters: { power_kw: 120 } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ success: true, result: { status: 'accepted', power_kw: 120 } });
    const pcs = await eventually(
      () => http<{ mode: string; active_power: number; online: boolean }>(`${shUrl}/api/v1/pcs/11`),
      (r) => r.status === 200 && r.body.mode === 'Discharging',
      10_000,
    );
    expect(pcs.body.active_power).toBeGreaterThan(115);
    expect(pcs.body.active_power).toBeLessThan(125);
    // A set-point beyond the rating is clamped, and the ack says so with the applied value.
    const clamped = await command(PCS, { command: 'set_power', parameters: { power_kw: -900 } });
    expect(clamped.body).toMatchObject({
      result: { status: 'clamped', requested_kw: -900, power_kw: -500, reason: 'power_rating' },
    });
  }, 30_000);

  it('a BESS that refuses is planned at 0 kW, shown in the status, and comes back once it answers', async () => {
    expect((await command(BESS, { command: 'disable' })).status).toBe(200);
    // The next dispatch is refused (a disabled battery takes no set-point)…
    await cycle();
    const refused = await eventually(battery, (b) => b.state === 'refused', 5000);
    expect(refused).toMatchObject({
      available: false,
      planned_around: true,
      last_result: 'rejected',
      last_reason: 'disabled',
      last_error: 'the battery is disabled',
    });
    // …so the plan after it does without the battery.
    const without = await cycle();
    expect(without.power_requirements.battery_power_kw).toBe(0);
    expect(without.notes.join(' ')).toContain(`battery ${BESS} refused: planned at 0 kW`);
    const inventory = await http<{ operational: { status: string; alerts: string[] } }>(
      `${gpUrl}/api/v1/data/inventory`,
    );
    expect(inventory.body.operational).toMatchObject({ status: 'degraded' });
    expect(inventory.body.operational.alerts).toContain(`battery: BESS ${BESS} refused; planned at 0 kW`);

    // Enabled again, it answers the control loop's probe, and the next plan uses it again.
    expect((await command(BESS, { command: 'enable' })).status).toBe(200);
    await eventually(battery, (b) => b.state === 'available', 5000);
    const back = await cycle();
    expect(back.power_requirements.battery_power_kw).toBeGreaterThan(100);
  }, 60_000);

  it('a BESS that does not acknowledge (offline) times out, is planned around, and comes back', async () => {
    expect((await command(BESS, { command: 'inject_fault', parameters: { fault: 'offline' } })).status).toBe(200);
    const first = await cycle();
    expect(first.dispatch.status).not.toBe('success');
    expect(first.dispatch.message).toContain(`bess:${BESS}: no acknowledgement within 1000 ms`);
    expect(await battery()).toMatchObject({ state: 'timeout', planned_around: true });
    const without = await cycle();
    expect(without.power_requirements.battery_power_kw).toBe(0);
    expect(without.notes.join(' ')).toContain('timeout: planned at 0 kW');
    // A REST command to the offline device gets no acknowledgement either: 504.
    expect((await command(BESS, { command: 'set_power', parameters: { power_kw: 0 } })).status).toBe(504);

    expect((await command(BESS, { command: 'clear_fault' })).status).toBe(200);
    await eventually(battery, (b) => b.state === 'available', 5000);
    const back = await cycle();
    expect(back.power_requirements.battery_power_kw).toBeGreaterThan(100);
  }, 60_000);
});
