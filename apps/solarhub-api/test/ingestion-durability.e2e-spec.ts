import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttClient, connectAsync } from 'mqtt';
import { createConnection } from 'mysql2/promise';
import { loadSolarhubConfig } from '../src/solarhub-api.config';
import { DEVICE_TOPICS } from '@lib/contracts';
import { eventually, http, listenOnFreePort } from '../../../test/support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from '../../../test/support/infra';
import { OwnMosquitto } from '../../../test/support/mosquitto';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { aDevice, quiet } from '@lib/testing';
import { createSolarhubApp } from '../src/app.factory';

const DB = `sh_durable_${process.pid}`;
const DEVICE = 'durable-meter-1';

async function stored(): Promise<{ rows: number; seqs: number }> {
  const c = await createConnection({ uri: mysqlDatabaseUrl(DB) });
  try {
    const [rows] = await c.query(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d FROM sh_meter_readings WHERE device_id = ?',
      [DEVICE],
    );
    const [row] = rows as { n: number; d: number }[];
    return { rows: Number(row.n), seqs: Number(row.d) };
  } catch {
    return { rows: 0, seqs: 0 };
  } finally {
    await c.end();
  }
}

/**
 * Telemetry that survives: solarhub-api away, two replicas, the broker killed. Each scenario ends
 * with every published seq stored exactly once.
 */
describe('solarhub-api ingestion: persistent session, shared subscription, broker restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sh-durable-'));
  const meter = aDevice({ type: 'meter', id: DEVICE });
  let broker: OwnMosquitto;
  let publisher: MqttClient;
  let published = 0;
  const group = `durable-${process.pid}`;

  const startReplica = async (
    replica: string,
    databaseUrl = mysqlDatabaseUrl(DB),
  ): Promise<{ app: NestFastifyApplication; url: string }> => {
    const app = await createSolarhubApp(
      loadSolarhubConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: databaseUrl,
        MQTT_URL: broker.url,
        INGEST_CLIENT_ID: `durable-${process.pid}-${replica}`,
        INGEST_SHARED_GROUP: group,
        INGEST_SESSION_EXPIRY_S: '300',
        INGEST_FLUSH_MS: '100',
      }),
    );
    const url = await listenOnFreePort(app);
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      20_000,
    );
    return { app, url };
  };

  /** Readings of one simulated meter, one per simulated second, each with the next seq. */
  const publish = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const reading = meter.read(new Date(Date.now() - (n - i) * 10), quiet);
      if (!reading?.send) throw new Error('no reading');
      await publisher.publishAsync(DEVICE_TOPICS.data(DEVICE), JSON.stringify(reading.message), { qos: 1 });
      published += 1;
    }
  };

  const allStoredOnce = async (): Promise<void> => {
    const result = await eventually(stored, (s) => s.seqs >= published, 20_000);
    expect(result).toEqual({ rows: published, seqs: published });
  };

  const accepted = async (url: string): Promise<number> => {
    const text = (await http<string>(`${url}/metrics`)).body;
    const line = text.split('\n').find((l) => l.startsWith('solarhub_telemetry_messages_total{result="accepted"'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    broker = await OwnMosquitto.start(dir, { persistence: true });
    publisher = await connectAsync(broker.url, { clientId: `durable-pub-${process.pid}`, reconnectPeriod: 200 });
    meter.read(new Date(Date.now() - 60_000), quiet); // the meter's first reading only primes its registers
  });

  afterAll(async () => {
    await publisher?.endAsync(true);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  it('stores what was published while it was stopped, exactly once, when it starts again', async () => {
    const first = await startReplica('a');
    await publish(20);
    await allStoredOnce();
    await first.app.close();
    await publish(60); // solarhub-api is away: the broker queues them in its session
    const again = await startReplica('a');
    try {
      await allStoredOnce();
    } finally {
      await again.app.close();
    }
  });

  it('acknowledges a message only once it is stored: readings held in memory survive the replica', async () => {
    // solarhub-api reaches MariaDB through a proxy, so the database can go away under it alone.
    const target = new URL(mysqlDatabaseUrl(DB));
    const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
    await proxy.start();
    target.host = `127.0.0.1:${proxy.port}`;
    const replica = await startReplica('a', target.toString());
    try {
      await publish(5);
      await allStoredOnce();
      await proxy.stop();
      const before = await accepted(replica.url);
      await publish(40); // received and accepted, but their rows cannot be written
      await eventually(
        () => accepted(replica.url),
        (n) => n >= before + 40,
      );
    } finally {
      // The replica goes with its readings in memory (its last write fails: the database is away).
      await replica.app.close();
      await proxy.stop();
    }
    // Nothing was acknowledged, so the broker sends all 40 again to the same session.
    const again = await startReplica('a');
    try {
      await allStoredOnce();
    } finally {
      await again.app.close();
    }
  });

  it('splits the stream between two replicas: nothing twice, nothing missing', async () => {
    const a = await startReplica('a');
    const b = await startReplica('b');
    try {
      const before = [await accepted(a.url), await accepted(b.url)];
      await publish(100);
      await allStoredOnce();
      const shares = [(await accepted(a.url)) - before[0], (await accepted(b.url)) - before[1]];
      expect(shares[0] + shares[1]).toBe(100);
      expect(Math.min(...shares)).toBeGreaterThan(0);
    } finally {
      await a.app.close();
      await b.app.close();
    }
  });

  it('resumes by itself after the broker is killed and restarted', async () => {
    // Both replicas again: while one is away, its share of the shared stream waits in its session.
    const other = await startReplica('b');
    const replica = await startReplica('a');
    try {
      await publish(10);
      await allStoredOnce();
      await broker.stop('SIGKILL');
      const brokerState = async (): Promise<string> =>
        (await http<{ infrastructure: { broker: { status: string } } }>(`${replica.url}/health/detailed`)).body
          .infrastructure.broker.status;
      expect(await eventually(brokerState, (s) => s === 'unhealthy')).toBe('unhealthy');
      await broker.restart();
      // A SIGKILL loses what the broker had not saved yet, the session included: solarhub-api
      // reconnects and subscribes again by itself.
      expect(await eventually(brokerState, (s) => s === 'healthy', 15_000)).toBe('healthy');
      await eventually(
        () => Promise.resolve(publisher.connected),
        (c) => c,
      );
      await new Promise((r) => setTimeout(r, 300));
      await publish(30);
      await allStoredOnce();
    } finally {
      await replica.app.close();
      await other.app.close();
    }
  });
});
