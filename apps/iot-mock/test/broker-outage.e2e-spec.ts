import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIotMockConfig } from '../src/iot-mock.config';
import { DEVICE_TOPICS } from '@lib/contracts';
import { MqttClient, connectAsync } from 'mqtt';
import { eventually, http, listenOnFreePort } from '../../../test/support/http';
import { OwnMosquitto } from '../../../test/support/mosquitto';
import { createIotMockApp } from '../src/app.factory';

interface Data {
  device_id: string;
  seq: number;
}

/** Devices keep measuring while the broker is away: nothing is lost, statuses come back. */
describe('iot-mock through a broker restart (its own Mosquitto)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iot-outage-'));
  let broker: OwnMosquitto;
  let app: NestFastifyApplication;
  let url: string;
  let consumer: MqttClient;
  const seqs = new Map<string, Set<number>>();

  beforeAll(async () => {
    broker = await OwnMosquitto.start(dir, { persistence: true });
    // A consumer with a persistent session: the broker queues for it while it is away too.
    consumer = await connectAsync(broker.url, {
      clientId: `outage-consumer-${process.pid}`,
      clean: false,
      reconnectPeriod: 200,
    });
    consumer.on('message', (_topic, payload) => {
      const m = JSON.parse(payload.toString()) as Data;
      const set = seqs.get(m.device_id) ?? new Set<number>();
      set.add(m.seq);
      seqs.set(m.device_id, set);
    });
    await consumer.subscribeAsync(DEVICE_TOPICS.allData, { qos: 1 });
    app = await createIotMockApp(
      loadIotMockConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MQTT_URL: broker.url,
        DATABASE_URL: 'sqlite::memory:',
        SIMULATION_INTERVAL: '0.2',
      }),
    );
    url = await listenOnFreePort(app);
  });

  afterAll(async () => {
    await app?.close();
    await consumer?.endAsync(true);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const metric = async (name: string): Promise<number> => {
    const text = (await http<string>(`${url}/metrics`)).body;
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };

  it('queues the readings taken while the broker is down and sends them when it is back: no seq gap', async () => {
    await eventually(
      () => Promise.resolve(seqs.size),
      (n) => n >= 5,
    );
    await broker.stop('SIGTERM');
    const queued = await eventually(
      () => metric('iot_offline_queue_messages'),
      (n) => n >= 20,
    );
    expect(queued).toBeGreaterThanOrEqual(20);
    await broker.restart();
    await eventually(
      () => metric('iot_offline_queue_messages'),
      (n) => n === 0,
      15_000,
    );
    // A few more readings after the return, then every device's seq must be contiguous.
    const after = new Map([...seqs].map(([id, set]) => [id, Math.max(...set)]));
    await eventually(
      () => Promise.resolve([...after].every(([id, max]) => Math.max(...(seqs.get(id) ?? [])) >= max + 3)),
      (ok) => ok,
      15_000,
    );
    for (const [id, set] of seqs) {
      const sorted = [...set].sort((a, b) => a - b);
      const missing = sorted.at(-1)! - sorted[0] + 1 - sorted.length;
      expect({ id, missing }).toEqual({ id, missing: 0 });
    }
  });

  it("publishes every device's status again to a broker that forgot them", async () => {
    await broker.stop('SIGTERM');
    rmSync(broker.dbFile, { force: true });
    await broker.restart();
    const devices = (await http<{ device_id: string }[]>(`${url}/api/v1/devices`)).body.map((d) => d.device_id);
    const late = await connectAsync(broker.url, { clientId: `outage-late-${process.pid}` });
    try {
      const statuses = new Map<string, string>();
      late.on('message', (topic, payload) => {
        if (payload.length > 0) statuses.set(topic, (JSON.parse(payload.toString()) as { status: string }).status);
      });
      await late.subscribeAsync(DEVICE_TOPICS.allStatus, { qos: 1 });
      const seen = await eventually(
        () => Promise.resolve(statuses.size),
        (n) => n >= devices.length,
        15_000,
      );
      expect(seen).toBe(devices.length);
      expect(new Set(statuses.values())).toEqual(new Set(['online']));
    } finally {
      await late.endAsync();
    }
  });
});
