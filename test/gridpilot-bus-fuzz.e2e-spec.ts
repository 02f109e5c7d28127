import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MqttClient, connectAsync } from 'mqtt';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import { DEVICE_TOPICS, STATION_TOPICS, TOPIC_REGISTRY } from '@lib/contracts';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { testServices } from './services';
import {
  aValidReading,
  aValidStationMeter,
  aValidStationStatus,
  badAcks,
  badStationMeter,
  badStationStatus,
  badTelemetry,
  publishAndCount,
} from './support/bus-corpus';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from './support/infra';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';
import { InventoryService } from '../apps/gridpilot-optimizer/src/inventory/inventory.service';

const TOKEN = 'gridpilot-fuzz-token-0123456789';
const PLANT = `gp-fuzz-plant-${process.pid}`;
const DB = `gp_fuzz_${process.pid}`;
const BESS = `gpfuzz${process.pid}-bess-1`;
const SERVER = `gpfuzz${process.pid}-server-1`;
/** Unique per run: other runs may share the broker. */
const STATION = `GPFUZZ-${process.pid}-${Date.now().toString(36)}`;

interface Allocation {
  constraints_satisfied: boolean;
  mpc: { status: string };
}

describe('gridpilot-optimizer under malformed bus messages (fuzz)', () => {
  let plant: NestFastifyApplication;
  let app: NestFastifyApplication;
  let url: string;
  let mqtt: MqttClient;
  const metrics = async (): Promise<string> => (await http<string>(`${url}/metrics`)).body;
  const allocate = () =>
    postJson<Allocation>(`${url}/api/v1/optimization/allocate`, {
      forecast_periods: 24,
      risk_aversion: 0.5,
      lambda_deg: 0.0002,
    });

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    plant = await createPlantSimulatorApp(
      loadPlantSimulatorConfig([], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PLANT_TOKEN: TOKEN,
        PLANT_ID: PLANT,
        PLANT_SEED: '5',
      }),
    );
    const plantUrl = await listenOnFreePort(plant);
    app = await createGridpilotApp(
      loadGridpilotConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(DB),
        MQTT_URL: testServices.mqttUrl,
        PLANT_URL: plantUrl,
        PLANT_TOKEN: TOKEN,
        PLANT_ID: PLANT,
        PRICE_BACKFILL_DAYS: '2',
        CONTROL_LOOP: 'false',
        // A dispatch device makes the optimizer subscribe to command acknowledgements.
        DISPATCH_DEVICES: `inference:${SERVER}`,
      }),
    );
    url = await listenOnFreePort(app);
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      30_000,
    );
    mqtt = await connectAsync(testServices.mqttUrl, { clientId: `gp-fuzz-${process.pid}` });
  }, 60_000);

  afterAll(async () => {
    await mqtt?.endAsync();
    await app?.close();
    await plant?.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  it('refuses the telemetry corpus: stays up, keeps its inventory, plans feasibly, counts every message', async () => {
    const corpus = badTelemetry(BESS);
    const counted = await publishAndCount(mqtt, corpus, TOPIC_REGISTRY.deviceData.pattern, metrics);
    expect(counted).toBeGreaterThanOrEqual(corpus.length);
    expect((await http(`${url}/health/live`)).status).toBe(200);
    expect(app.get(InventoryService).reported(BESS)).toBeUndefined();
    const battery = app.get(InventoryService).battery();
    expect(battery.soc).toBeGreaterThanOrEqual(0);
    expect(battery.soc).toBeLessThanOrEqual(1);
    expect(battery.capacityKwh).toBeGreaterThan(0);
    const plan = await allocate();
    expect(plan.status).toBe(200);
    expect(plan.body.constraints_satisfied).toBe(true);
  }, 60_000);

  it('refuses malformed command acknowledgements and counts them', async () => {
    const corpus = badAcks(SERVER, 'fuzz-command');
    const counted = await publishAndCount(mqtt, corpus, TOPIC_REGISTRY.deviceCommandAcks.pattern, metrics);
    expect(counted).toBeGreaterThanOrEqual(corpus.length);
    expect((await http(`${url}/health/live`)).status).toBe(200);
  });

  it('refuses malformed station messages: counts each, stays up, counts no EV load from them', async () => {
    const inventory = app.get(InventoryService);
    const status = badStationStatus(STATION);
    expect(await publishAndCount(mqtt, status, TOPIC_REGISTRY.stationStatus.pattern, metrics)).toBeGreaterThanOrEqual(
      status.length,
    );
    const meter = badStationMeter(STATION);
    expect(await publishAndCount(mqtt, meter, TOPIC_REGISTRY.stationMeter.pattern, metrics)).toBeGreaterThanOrEqual(
      meter.length,
    );
    expect((await http(`${url}/health/live`)).status).toBe(200);
    expect(inventory.evLoad().byStation.find((s) => s.stationId === STATION)).toBeUndefined();
    expect((await allocate()).body.constraints_satisfied).toBe(true);

    // A valid pair still counts.
    await mqtt.publishAsync(STATION_TOPICS.status(STATION), JSON.stringify(aValidStationStatus(STATION)), { qos: 1 });
    await mqtt.publishAsync(STATION_TOPICS.meter(STATION), JSON.stringify(aValidStationMeter(STATION, 5000)), {
      qos: 1,
    });
    const counted = await eventually(
      () => Promise.resolve(inventory.evLoad().byStation.find((s) => s.stationId === STATION)),
      (s) => s !== undefined,
    );
    expect(counted).toEqual({ stationId: STATION, chargingKw: 5, sessions: 1 });
  }, 60_000);

  it('still takes a valid BESS reading into its inventory', async () => {
    const valid = aValidReading('bess', BESS);
    await mqtt.publishAsync(DEVICE_TOPICS.data(BESS), JSON.stringify(valid), { qos: 1 });
    const sample = await eventually(
      () => Promise.resolve(app.get(InventoryService).reported(BESS)),
      (s) => s !== undefined,
    );
    expect(sample).toMatchObject({ type: 'bess', socPct: valid.soc_pct, capacityKwh: valid.capacity_kwh });
    expect(app.get(InventoryService).battery().source).toBe('telemetry');
    expect((await allocate()).body.constraints_satisfied).toBe(true);
  });
});
