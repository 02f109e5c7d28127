import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import {
  BUS_PATTERNS,
  STATION_TOPICS,
  StationMeterMessage,
  StationStatusMessage,
  TOPIC_REGISTRY,
  TopicEntry,
} from '@lib/contracts';
import { decodeBusMessage } from '@lib/messaging';
import { MqttClient, connectAsync } from 'mqtt';
import { RPCClient } from 'ocpp-rpc';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { CentralSystemService } from '../apps/ocpp-csms/src/ocpp/central-system.service';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { testServices } from './services';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from './support/infra';
import { TcpProxy } from './support/tcp-proxy';

const DB_CSMS = `evbus_csms_${process.pid}`;
const DB_GP = `evbus_gp_${process.pid}`;
const TOKEN = 'evbus-plant-token-0123456789';
const PLANT = `evbus-plant-${process.pid}`;
/** Unique per run: other runs may share the broker. */
const STATION = `EVBUS-${process.pid}-${Date.now().toString(36)}`;

type Params = Record<string, unknown>;
interface Inventory {
  ev: {
    source: string;
    charging_kw: number;
    chargers: number;
    sessions: number;
    stations: { station_id: string; charging_kw: number; sessions: number }[];
  };
}

/**
 * EV charging through the CSMS, with a charger that is not iot-mock's: a plain ocpp-rpc client
 * talks OCPP 1.6-J to the real ocpp-csms, which reports each station on the bus (validated status
 * and meter messages); gridpilot-optimizer counts the EV load from them and steers it only through
 * the site charging limit. ocpp-csms reaches the broker through a proxy, so the broker can go away.
 */
describe('EV load from the CSMS on the bus (plain OCPP client → ocpp-csms → MQTT → gridpilot)', () => {
  let proxy: TcpProxy;
  let csms: NestFastifyApplication;
  let csmsUrl: string;
  let plant: NestFastifyApplication;
  let gridpilot: NestFastifyApplication;
  let gpUrl: string;
  let bus: MqttClient;
  let charger: RPCClient;
  const statuses: StationStatusMessage[] = [];
  const meters: StationMeterMessage[] = [];
  const limits: Params[] = [];
  const refused: string[] = [];
  const profiles: Params[] = [];
  let transactionId = 0;

  const call = (method: string, params: Params): Promise<Params> => charger.call(method, params) as Promise<Params>;
  const status = (connectorId: number, value: string): Promise<Params> =>
    call('StatusNotification', {
      connectorId,
      errorCode: 'NoError',
      status: value,
      timestamp: new Date().toISOString(),
    });
  const meterValues = (powerW: number, energyWh: number, soc: number): Promise<Params> =>
    call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [
            { value: String(powerW), measurand: 'Power.Active.Import', unit: 'W' },
            { value: String(energyWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            { value: String(soc), measurand: 'SoC', unit: 'Percent' },
          ],
        },
      ],
    });
  const inventory = async (): Promise<Inventory['ev']> =>
    (await http<Inventory>(`${gpUrl}/api/v1/data/inventory`)).body.ev;
  const mine = (ev: Inventory['ev']) => ev.stations.find((s) => s.station_id === STATION);
  const next = async <T>(list: T[], since: number, ok: (m: T) => boolean, timeoutMs = 10_000): Promise<T> => {
    const found = await eventually(
      () => Promise.resolve(list.slice(since).find(ok)),
      (m) => m !== undefined,
      timeoutMs,
    );
    if (found === undefined) throw new Error('no matching message');
    return found;
  };

  beforeAll(async () => {
    for (const db of [DB_CSMS, DB_GP])
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`).then(() => mysqlAdmin(`CREATE DATABASE ${db}`));
    const broker = new URL(testServices.mqttUrl);
    proxy = new TcpProxy(broker.hostname, Number(broker.port || 1883));
    const proxyPort = await proxy.start();

    // A real subscriber: every station message is decoded with the contract, as the console would.
    bus = await connectAsync(testServices.mqttUrl, { clientId: `evbus-sub-${process.pid}` });
    const take = <T extends object>(entry: TopicEntry<T>, topic: string, payload: Buffer, into: T[]): void => {
      const decoded = decodeBusMessage(entry, topic, payload);
      if (decoded.ok) into.push(decoded.value);
      else refused.push(`${topic}: ${decoded.detail}`);
    };
    bus.on('message', (topic, payload) => {
      if (topic === STATION_TOPICS.status(STATION)) take(TOPIC_REGISTRY.stationStatus, topic, payload, statuses);
      else if (topic === STATION_TOPICS.meter(STATION)) take(TOPIC_REGISTRY.stationMeter, topic, payload, meters);
      else if (topic === BUS_PATTERNS.siteChargingLimit) limits.push(JSON.parse(payload.toString()) as Params);
    });
    await bus.subscribeAsync([STATION_TOPICS.status(STATION), STATION_TOPICS.meter(STATION)], { qos: 1 });
    await bus.subscribeAsync(BUS_PATTERNS.siteChargingLimit, { qos: 1 });

    csms = await createCsmsApp(
      loadOcppCsmsConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(DB_CSMS),
        OCPP_PORT: '0',
        MQTT_URL: `mqtt://127.0.0.1:${proxyPort}`,
        SITE_DEBOUNCE_MS: '50',
      }),
    );
    csmsUrl = await listenOnFreePort(csms);
    await eventually(
      () => http(`${csmsUrl}/health/ready`),
      (r) => r.status === 200,
      15_000,
    );

    plant = await createPlantSimulatorApp(
      loadPlantSimulatorConfig([], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PLANT_TOKEN: TOKEN,
        PLANT_ID: PLANT,
        PLANT_SEED: '7',
      }),
    );
    const plantUrl = await listenOnFreePort(plant);
    gridpilot = await createGridpilotApp(
      loadGridpilotConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(DB_GP),
        MQTT_URL: testServices.mqttUrl,
        PLANT_URL: plantUrl,
        PLANT_TOKEN: TOKEN,
        PLANT_ID: PLANT,
        PRICE_BACKFILL_DAYS: '2',
        CONTROL_LOOP: 'false',
      }),
    );
    gpUrl = await listenOnFreePort(gridpilot);
    await eventually(
      () => http(`${gpUrl}/health/ready`),
      (r) => r.status === 200,
      30_000,
    );

    // The charger: ocpp-rpc as any OCPP 1.6-J charge point would use it, nothing of iot-mock.
    charger = new RPCClient({
      endpoint: `ws://127.0.0.1:${csms.get(CentralSystemService).port}`,
      identity: STATION,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    } as never);
    charger.handle('GetConfiguration', () =>
      Promise.resolve({
        configurationKey: [
          { key: 'SupportedFeatureProfiles', readonly: true, value: 'Core,SmartCharging' },
          { key: 'NumberOfConnectors', readonly: true, value: '1' },
        ],
      }),
    );
    charger.handle('SetChargingProfile', ({ params }) => {
      profiles.push((params ?? {}) as Params);
      return Promise.resolve({ status: 'Accepted' });
    });
    charger.handle('ClearChargingProfile', () => Promise.resolve({ status: 'Accepted' }));
    await charger.connect();
  }, 90_000);

  afterAll(async () => {
    await charger?.close({ force: true });
    await gridpilot?.close();
    await plant?.close();
    await csms?.close().catch(() => undefined);
    await proxy?.stop();
    // The retained status of this run's station is cleared from the shared broker.
    await bus?.publishAsync(STATION_TOPICS.status(STATION), '', { qos: 1, retain: true });
    await bus?.endAsync();
    for (const db of [DB_CSMS, DB_GP]) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('publishes validated station status and meter messages for boot, status, start and meter values', async () => {
    expect(await call('BootNotification', { chargePointVendor: 'Plain', chargePointModel: 'RPC-1' })).toMatchObject({
      status: 'Accepted',
    });
    const connected = await next(statuses, 0, (s) => s.connected);
    expect(connected.station_id).toBe(STATION);
    await status(1, 'Preparing');
    await next(statuses, 0, (s) => s.connectors.some((c) => c.connector_id === 1 && c.status === 'Preparing'));

    const started = await call('StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-EVBUS',
      meterStart: 1000,
      timestamp: new Date().toISOString(),
    });
    transactionId = Number(started.transactionId);
    expect(transactionId).toBeGreaterThan(0);
    await status(1, 'Charging');
    const charging = await next(statuses, 0, (s) =>
      s.connectors.some((c) => c.status === 'Charging' && c.transaction_id === transactionId),
    );
    expect(charging).toMatchObject({
      station_id: STATION,
      connected: true,
      connectors: expect.arrayContaining([
        {
          connector_id: 1,
          status: 'Charging',
          error_code: 'NoError',
          transaction_id: transactionId,
          id_tag: 'TAG-EVBUS',
        },
      ]),
    });

    await meterValues(7400, 1500, 55);
    const meter = await next(meters, 0, (m) => m.power_w > 0);
    expect(meter).toEqual({
      station_id: STATION,
      connector_id: 1,
      transaction_id: transactionId,
      power_w: 7400,
      energy_wh: 1500,
      session_energy_wh: 500,
      soc_pct: 55,
      timestamp: expect.any(String),
    });
    expect(refused).toEqual([]);
  });

  it('gridpilot counts the EV load from them and steers it only through the site charging limit', async () => {
    const ev = await eventually(inventory, (e) => mine(e)?.charging_kw === 7.4);
    expect(ev.source).toBe('ocpp-csms');
    expect(mine(ev)).toEqual({ station_id: STATION, charging_kw: 7.4, sessions: 1 });
    expect(ev.charging_kw).toBeGreaterThanOrEqual(7.4);
    expect(ev.chargers).toBeGreaterThanOrEqual(1);

    const sinceLimits = limits.length;
    const sinceProfiles = profiles.length;
    const cycle = await postJson<{ cycle_result: { allocation: Record<string, number> } }>(
      `${gpUrl}/api/v1/system/run-full-cycle`,
      { simulate: false },
    );
    expect(cycle.status).toBe(200);
    // EV charging is planned for the cars plugged in only: at most 22 kW (EV_SESSION_MAX_KW) a session.
    const sessions = (await inventory()).sessions;
    expect(cycle.body.cycle_result.allocation.ev_charging).toBeLessThanOrEqual(sessions * 22 + 1e-6);
    const limitW = Math.round(cycle.body.cycle_result.allocation.ev_charging * 1000);
    // Other runs on the broker publish limits too: ours is among them.
    await next(limits, sinceLimits, (l) => l.limit === limitW && l.unit === 'W');
    // The CSMS shares it out: the charger gets a profile for its transaction.
    const profile = await next(
      profiles,
      sinceProfiles,
      (p) => (p.csChargingProfiles as Params | undefined)?.transactionId === transactionId,
    );
    expect(profile.connectorId).toBe(1);
  }, 60_000);

  it('keeps answering the charger while the broker is away, and re-publishes the status when it is back', async () => {
    const metric = async (outcome: string): Promise<number> => {
      const text = (await http<string>(`${csmsUrl}/metrics`)).body;
      // Summed over both topics.
      return text
        .split('\n')
        .filter((l) => l.startsWith('ocpp_station_bus_messages_total{') && l.includes(`outcome="${outcome}"`))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    const offlineBefore = await metric('broker_offline');
    await proxy.stop();
    const started = Date.now();
    await meterValues(6000, 1800, 60);
    await status(1, 'SuspendedEV');
    // OCPP does not wait for the bus.
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await http(`${csmsUrl}/health/live`)).status).toBe(200);
    expect(
      await eventually(
        () => metric('broker_offline'),
        (n) => n >= offlineBefore + 2,
      ),
    ).toBeGreaterThanOrEqual(offlineBefore + 2);

    const since = statuses.length;
    await proxy.restart();
    const back = await next(
      statuses,
      since,
      (s) => s.connectors.some((c) => c.connector_id === 1 && c.status === 'SuspendedEV'),
      20_000,
    );
    expect(back.connected).toBe(true);
  }, 40_000);

  it('derives the power of a charger that reports only its energy register', async () => {
    const station = `${STATION}-E`;
    const got: StationMeterMessage[] = [];
    const onMessage = (topic: string, payload: Buffer): void => {
      const decoded = decodeBusMessage(TOPIC_REGISTRY.stationMeter, topic, payload);
      if (decoded.ok && topic === STATION_TOPICS.meter(station)) got.push(decoded.value);
    };
    bus.on('message', onMessage);
    await bus.subscribeAsync(STATION_TOPICS.meter(station), { qos: 1 });
    const plain = new RPCClient({
      endpoint: `ws://127.0.0.1:${csms.get(CentralSystemService).port}`,
      identity: station,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    } as never);
    await plain.connect();
    try {
      await plain.call('BootNotification', { chargePointVendor: 'Plain', chargePointModel: 'EnergyOnly' });
      const tx = (await plain.call('StartTransaction', {
        connectorId: 1,
        idTag: 'TAG-E',
        meterStart: 10_000,
        timestamp: new Date().toISOString(),
      })) as Params;
      const t0 = Date.now() - 60_000;
      for (const [offsetS, wh] of [
        [0, 10_000],
        [60, 10_200],
      ]) {
        await plain.call('MeterValues', {
          connectorId: 1,
          transactionId: tx.transactionId,
          meterValue: [
            {
              timestamp: new Date(t0 + offsetS * 1000).toISOString(),
              sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
            },
          ],
        });
      }
      // 200 Wh in a minute: 12 kW.
      const derived = await next(got, 0, (m) => m.power_w > 0);
      expect(derived).toMatchObject({ power_w: 12_000, energy_wh: 10_200, session_energy_wh: 200 });
      expect(got).toHaveLength(1);
    } finally {
      await plain.close({ force: true });
      bus.off('message', onMessage);
    }
  });

  it('reports power 0 at the stop and the station disconnected when it leaves; gridpilot counts 0', async () => {
    await status(1, 'Charging');
    await meterValues(7000, 2000, 62);
    await eventually(inventory, (e) => mine(e)?.charging_kw === 7);
    const sinceMeters = meters.length;
    const sinceStatuses = statuses.length;
    await call('StopTransaction', { transactionId, meterStop: 2100, timestamp: new Date().toISOString() });
    const stop = await next(meters, sinceMeters, (m) => m.power_w === 0);
    expect(stop).toMatchObject({ transaction_id: transactionId, energy_wh: 2100, session_energy_wh: 1100 });
    await next(statuses, sinceStatuses, (s) => s.connectors.every((c) => c.transaction_id === null));
    const stopped = await eventually(inventory, (e) => mine(e)?.charging_kw === 0);
    expect(mine(stopped)).toEqual({ station_id: STATION, charging_kw: 0, sessions: 0 });

    await charger.close({ force: true });
    const gone = await next(statuses, sinceStatuses, (s) => !s.connected);
    expect(gone.station_id).toBe(STATION);
    const after = await eventually(inventory, (e) => mine(e) === undefined);
    expect(mine(after)).toBeUndefined();
    expect(refused).toEqual([]);
  }, 40_000);

  it('marks its stations disconnected on the bus when the CSMS shuts down', async () => {
    const again = new RPCClient({
      endpoint: `ws://127.0.0.1:${csms.get(CentralSystemService).port}`,
      identity: STATION,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    } as never);
    await again.connect();
    const since = statuses.length;
    await again.call('BootNotification', { chargePointVendor: 'Plain', chargePointModel: 'RPC-1' });
    await next(statuses, since, (s) => s.connected);
    const closing = statuses.length;
    await csms.close();
    const gone = await next(statuses, closing, (s) => !s.connected);
    expect(gone.station_id).toBe(STATION);
    await again.close({ force: true });
  }, 30_000);
});
