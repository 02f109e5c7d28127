import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MqttClient, connectAsync } from 'mqtt';
import { createConnection } from 'mysql2/promise';
import { loadSolarhubConfig } from '../src/solarhub-api.config';
import { DEVICE_TOPICS, TOPIC_REGISTRY } from '@lib/contracts';
import { testServices } from '../../../test/services';
import { aValidReading, badStatuses, badTelemetry, publishAndCount } from '../../../test/support/bus-corpus';
import { eventually, http, listenOnFreePort } from '../../../test/support/http';
import { mysqlAdmin, mysqlDatabaseUrl, ingestEnv } from '../../../test/support/infra';
import { createSolarhubApp } from '../src/app.factory';

const DB = `solarhub_fuzz_${process.pid}`;
const PREFIX = `shfuzz${process.pid}`;
const BESS = `${PREFIX}-bess-1`;
const TABLES = ['sh_bess_readings', 'sh_rack_readings', 'sh_pcs_readings', 'sh_meter_readings', 'sh_inverter_readings'];

async function rowsOfRun(): Promise<number> {
  const c = await createConnection({ uri: mysqlDatabaseUrl(DB) });
  try {
    let total = 0;
    for (const table of TABLES) {
      const [rows] = await c.query(`SELECT COUNT(*) AS n FROM ${table} WHERE device_id LIKE ?`, [`${PREFIX}%`]);
      total += Number((rows as { n: number }[])[0].n);
    }
    return total;
  } finally {
    await c.end();
  }
}

describe('solarhub-api under malformed bus messages (fuzz)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let mqtt: MqttClient;
  const metrics = async (): Promise<string> => (await http<string>(`${url}/metrics`)).body;

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    app = await createSolarhubApp(
      loadSolarhubConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(DB),
        REDIS_URL: `${testServices.redisUrl}/13`,
        MQTT_URL: testServices.mqttUrl,
        ...ingestEnv(),
        JWT_SECRET_KEY: 'fuzz-jwt-secret-0123456789abcdef',
        INGEST_FLUSH_MS: '200',
      }),
    );
    url = await listenOnFreePort(app);
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      20_000,
    );
    mqtt = await connectAsync(testServices.mqttUrl, { clientId: `sh-fuzz-${process.pid}` });
  }, 60_000);

  afterAll(async () => {
    await mqtt?.endAsync();
    await app?.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  it('refuses the whole corpus: keeps running, stores nothing, counts every message', async () => {
    const corpus = badTelemetry(BESS);
    const counted = await publishAndCount(mqtt, corpus, TOPIC_REGISTRY.deviceData.pattern, metrics);
    expect(counted).toBeGreaterThanOrEqual(corpus.length);
    expect((await http(`${url}/health/live`)).status).toBe(200);
    expect((await http(`${url}/api/v1/bess/1`)).status).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 600)); // one flush of the writer
    expect(await rowsOfRun()).toBe(0);
  }, 60_000);

  it('refuses bad device statuses and service presences: keeps running, shows none of them, counts each', async () => {
    const { device, service } = badStatuses(`${PREFIX}-status-1`, `${PREFIX}-svc`);
    expect(await publishAndCount(mqtt, device, TOPIC_REGISTRY.deviceStatus.pattern, metrics)).toBeGreaterThanOrEqual(
      device.length,
    );
    expect(await publishAndCount(mqtt, service, TOPIC_REGISTRY.serviceStatus.pattern, metrics)).toBeGreaterThanOrEqual(
      service.length,
    );
    expect((await http(`${url}/health/live`)).status).toBe(200);
    const list = await http<{ devices: { device_id: string }[]; services: { service: string }[] }>(
      `${url}/api/v1/devices/status`,
    );
    expect(list.status).toBe(200);
    expect(list.body.devices.filter((d) => d.device_id.startsWith(PREFIX))).toEqual([]);
    expect(list.body.services.filter((x) => x.service.startsWith(PREFIX))).toEqual([]);
  }, 60_000);

  it('still stores a valid reading after the corpus', async () => {
    const valid = aValidReading('bess', BESS);
    await mqtt.publishAsync(DEVICE_TOPICS.data(BESS), JSON.stringify(valid), { qos: 1 });
    const n = await eventually(
      () => rowsOfRun(),
      (count) => count > 0,
      10_000,
    );
    expect(n).toBeGreaterThan(0);
  });
});
