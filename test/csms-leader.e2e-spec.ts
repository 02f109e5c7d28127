import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MqttClient, connectAsync } from 'mqtt';
import { STATION_TOPICS } from '@lib/contracts';
import { testServices } from './services';
import { TestChargePoint } from './support/charge-point';
import { JsonResponse, eventually, http } from './support/http';
import { freePort, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

const ROOT = join(__dirname, '..');
const DB = `csms_leader_${process.pid}`;
/** Keys and channels of these replicas only: other suites share the Redis. */
const PREFIX = `csms-leader-${process.pid}`;
const LEASE_MS = 3000;

interface Replica {
  name: string;
  process: ChildProcessWithoutNullStreams;
  url: string;
  ocppUrl: string;
  output: () => string;
}

interface Ready {
  details: Record<string, { status: string; role?: string; fencing_token?: number; instance_id?: string }>;
}

interface Plan {
  role: 'leader' | 'follower';
  leader_id: string | null;
  fencing_token: number | null;
  limit_w: number | null;
  allocations: { station_id: string; transaction_id: number; status: string; limit_w: number }[];
  failed_sends: unknown[];
}

async function startReplica(name: string): Promise<Replica> {
  const [port, ocppPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/ocpp-csms/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      OCPP_PORT: String(ocppPort),
      DATABASE_URL: mysqlDatabaseUrl(DB),
      REDIS_URL: testServices.redisUrl,
      MQTT_URL: testServices.mqttUrl,
      CSMS_REDIS_PREFIX: PREFIX,
      SITE_LEADER_LEASE_MS: String(LEASE_MS),
      SITE_LEADER_RENEW_MS: '500',
      SITE_ANSWER_WITHIN_MS: '3000',
    },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const ready = await eventually(
    () => http(`${url}/health/ready`).catch(() => ({ status: 0 })),
    (r) => r.status === 200,
    30_000,
  );
  if (ready.status !== 200) throw new Error(`replica ${name} did not become ready:\n${output}`);
  return { name, process: child, url, ocppUrl: `ws://127.0.0.1:${ocppPort}`, output: () => output };
}

const role = async (r: Replica): Promise<{ role: string | null; token: number }> => {
  const ready = await http<Ready>(`${r.url}/health/ready`).catch(() => null);
  const leader = ready?.body.details?.site_leader;
  return { role: leader?.role ?? null, token: leader?.fencing_token ?? 0 };
};

const putLimit = (r: Replica, limit: number): Promise<JsonResponse<Plan>> =>
  http<Plan>(`${r.url}/site/charging_limit`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ limit, unit: 'W' }),
  });

/**
 * Three CSMS replicas sharing MariaDB, Redis and the broker, one charge point on each: one
 * replica leads the site plan; SIGKILL it and another takes over, balancing goes on, no station
 * gets two different shares for one event, and the dead replica's station is said disconnected.
 */
describe('ocpp-csms: one leader for the site plan', () => {
  const replicas: Replica[] = [];
  const cps: TestChargePoint[] = [];
  const stations = [0, 1, 2].map((i) => `LEAD-${process.pid}-${i}`);
  const transactions: number[] = [];
  /** Per station, the SetChargingProfile calls received, each with the event it answered. */
  const calls = new Map<string, { event: string; transactionId: number | undefined; limit: number }[]>();
  let event = 'setup';
  let bus: MqttClient;
  const statuses = new Map<string, { connected: boolean }>();

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), 'ocpp-csms'], { cwd: ROOT });
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout.toString()}`);
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    for (const name of ['a', 'b', 'c']) replicas.push(await startReplica(name));
    bus = await connectAsync(testServices.mqttUrl, { clientId: `csms-leader-${process.pid}` });
    bus.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString()) as { station_id: string; connected: boolean };
      if (stations.includes(body.station_id)) statuses.set(body.station_id, body);
    });
    await bus.subscribeAsync(STATION_TOPICS.allStatus);
    for (const [i, id] of stations.entries()) {
      const cp = await TestChargePoint.connect(replicas[i].ocppUrl, id);
      cps.push(cp);
      calls.set(id, []);
      cp.client.handle('SetChargingProfile', ({ params }) => {
        const p = params as {
          csChargingProfiles: {
            transactionId?: number;
            chargingSchedule: { chargingSchedulePeriod: { limit: number }[] };
          };
        };
        calls.get(id)?.push({
          event,
          transactionId: p.csChargingProfiles.transactionId,
          limit: p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit,
        });
        return Promise.resolve({ status: 'Accepted' });
      });
      await cp.boot();
      await cp.call('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError' });
      const tx = await cp.startTransaction(1);
      transactions.push(tx);
      await cp.call('MeterValues', {
        connectorId: 1,
        transactionId: tx,
        meterValue: [
          {
            timestamp: new Date().toISOString(),
            sampledValue: [{ value: '7000', measurand: 'Power.Active.Import', unit: 'W' }],
          },
        ],
      });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(cps.map((cp) => cp.close().catch(() => undefined)));
    await bus?.endAsync();
    for (const r of replicas) {
      if (r.process.exitCode !== null || r.process.signalCode !== null) continue;
      const exited = new Promise((resolve) => r.process.once('exit', resolve));
      r.process.kill('SIGTERM');
      await exited;
    }
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  /** The limit each station's transaction was last sent in this event. */
  const sharesIn = (name: string): Map<string, number> =>
    new Map(
      stations.flatMap((id, i) => {
        const last = (calls.get(id) ?? [])
          .filter((c) => c.event === name && c.transactionId === transactions[i])
          .at(-1);
        return last ? [[id, last.limit] as [string, number]] : [];
      }),
    );

  it('runs the plan on one replica, the others forward to it, and each station gets its share', async () => {
    const roles = await Promise.all(replicas.map(role));
    expect(roles.filter((r) => r.role === 'leader')).toHaveLength(1);
    expect(roles.filter((r) => r.role === 'follower')).toHaveLength(2);
    const follower = replicas[roles.findIndex((r) => r.role === 'follower')];
    event = 'limit-12kW';
    const put = await putLimit(follower, 12_000);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ role: 'follower', limit_w: 12_000 });
    expect(put.body.fencing_token).toBeGreaterThan(0);
    const shares = await eventually(
      () => Promise.resolve(sharesIn('limit-12kW')),
      (s) => s.size === 3,
    );
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(12_000);
    for (const id of stations) expect(shares.get(id)).toBeGreaterThan(0);
    // Every replica shows the same plan, made under the leader's token.
    const plans = await Promise.all(replicas.map((r) => http<Plan>(`${r.url}/site/charging_limit`)));
    const leaderId = plans.find((p) => p.body.role === 'leader')?.body.leader_id;
    for (const p of plans) expect(p.body).toMatchObject({ leader_id: leaderId, fencing_token: put.body.fencing_token });
  });

  it('hands the plan to another replica within 10 s of a SIGKILL, corrects the dead one’s station status, and balances on', async () => {
    const before = await Promise.all(replicas.map(role));
    const index = before.findIndex((r) => r.role === 'leader');
    const dead = replicas[index];
    const deadStation = stations[index];
    const survivors = replicas.filter((r) => r !== dead);
    expect(statuses.get(deadStation)?.connected).toBe(true);

    event = 'leader-killed';
    dead.process.kill('SIGKILL');
    await new Promise((resolve) => dead.process.once('exit', resolve));
    const after = await eventually(
      () => Promise.all(survivors.map(role)),
      (roles) => roles.some((r) => r.role === 'leader'),
      10_000,
    );
    const leader = after.find((r) => r.role === 'leader');
    expect(leader).toBeDefined();
    expect(after.filter((r) => r.role === 'leader')).toHaveLength(1);
    expect(leader?.token).toBeGreaterThan(before[index].token);

    // The killed replica's station: said disconnected on the bus, retained for later subscribers.
    await eventually(
      () => Promise.resolve(statuses.get(deadStation)),
      (s) => s?.connected === false,
      15_000,
    );
    const late = await connectAsync(testServices.mqttUrl, { clientId: `csms-leader-late-${process.pid}` });
    const retained = new Promise<{ connected: boolean }>((resolve) =>
      late.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()) as { connected: boolean })),
    );
    await late.subscribeAsync(STATION_TOPICS.status(deadStation));
    expect(await retained).toMatchObject({ station_id: deadStation, connected: false });
    await late.endAsync();

    // The new leader's plan counts the lost station's last draw and steers the two others.
    const plan = await eventually(
      () => http<Plan>(`${survivors[0].url}/site/charging_limit`),
      (p) =>
        p.body.fencing_token === leader?.token &&
        p.body.allocations.some((a) => a.station_id === deadStation && a.status === 'disconnected') &&
        p.body.allocations.filter((a) => a.status === 'applied').length === 2,
      15_000,
    );
    expect(plan.body.fencing_token).toBe(leader?.token);

    event = 'limit-20kW';
    const put = await putLimit(survivors[1], 20_000);
    expect(put.status).toBe(200);
    expect(put.body.fencing_token).toBe(leader?.token);
    const living = stations.filter((id) => id !== deadStation);
    const shares = await eventually(
      () => Promise.resolve(sharesIn('limit-20kW')),
      (s) => living.every((id) => s.has(id)),
    );
    for (const id of living) expect(shares.get(id)).toBeGreaterThan(sharesIn('limit-12kW').get(id) ?? 0);
    expect(shares.has(deadStation)).toBe(false);

    // No station got two different shares for one event, whichever replica sent them.
    for (const [id, list] of calls) {
      for (const name of new Set(list.map((c) => c.event))) {
        const limits = new Set(list.filter((c) => c.event === name).map((c) => `${c.transactionId}:${c.limit}`));
        expect({ station: id, event: name, distinct: limits.size }).toEqual({ station: id, event: name, distinct: 1 });
      }
    }
  }, 60_000);
});
