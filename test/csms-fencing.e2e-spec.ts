import { testServices } from './services';
import { AppProcess, buildApps, startApp } from './support/app-process';
import { TestChargePoint } from './support/charge-point';
import { JsonResponse, eventually, http } from './support/http';
import { freePort, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

const DB = `csms_fencing_${process.pid}`;
/** Keys and channels of these replicas only: other suites share the Redis. */
const PREFIX = `csms-fencing-${process.pid}`;
const LEASE_MS = 3000;
/** Long enough to SIGSTOP the leader while the re-balance of a new session is still pending. */
const DEBOUNCE_MS = 2000;

interface Replica extends AppProcess {
  ocppUrl: string;
}

interface Leader {
  role: string | null;
  token: number;
  instanceId: string | null;
}

interface Plan {
  role: 'leader' | 'follower';
  leader_id: string | null;
  fencing_token: number | null;
  limit_w: number | null;
  allocations: { station_id: string; transaction_id: number; status: string; limit_w: number }[];
}

interface ProfileCall {
  station: string;
  at: number;
  transactionId: number | undefined;
  limit: number;
}

async function startReplica(): Promise<Replica> {
  const ocppPort = await freePort();
  const replica = await startApp('ocpp-csms', {
    OCPP_PORT: String(ocppPort),
    DATABASE_URL: mysqlDatabaseUrl(DB),
    REDIS_URL: testServices.redisUrl,
    MQTT_URL: testServices.mqttUrl,
    CSMS_REDIS_PREFIX: PREFIX,
    SITE_LEADER_LEASE_MS: String(LEASE_MS),
    SITE_LEADER_RENEW_MS: '500',
    SITE_DEBOUNCE_MS: String(DEBOUNCE_MS),
    SITE_REVIEW_INTERVAL_MS: '1000',
    SITE_ANSWER_WITHIN_MS: '3000',
    // A send routed to the paused replica waits for it rather than failing down the ladder.
    SITE_CALL_TIMEOUT_MS: '30000',
  });
  return { ...replica, ocppUrl: `ws://127.0.0.1:${ocppPort}` };
}

const leaderOf = async (r: Replica): Promise<Leader> => {
  const ready = await http<{
    details?: Record<string, { role?: string; fencing_token?: number; instance_id?: string }>;
  }>(`${r.url}/health/ready`).catch(() => null);
  const l = ready?.body.details?.site_leader;
  return { role: l?.role ?? null, token: l?.fencing_token ?? 0, instanceId: l?.instance_id ?? null };
};

const putLimit = (r: Replica, limit: number): Promise<JsonResponse<Plan>> =>
  http<Plan>(`${r.url}/site/charging_limit`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ limit, unit: 'W' }),
  });

const power = (cp: TestChargePoint, connectorId: number, transactionId: number, w: number): Promise<unknown> =>
  cp.call('MeterValues', {
    connectorId,
    transactionId,
    meterValue: [
      {
        timestamp: new Date().toISOString(),
        sampledValue: [{ value: String(w), measurand: 'Power.Active.Import', unit: 'W' }],
      },
    ],
  });

/**
 * Fencing under a paused leader (issue #17). Two replicas on MariaDB and Redis, a station on
 * each. The leader A is stopped (SIGSTOP) with the re-balance of a session that just started
 * still pending; its lease runs out and B takes over; the limit changes and B sends its shares.
 * Then A runs again (SIGCONT) and is given work: its pending re-balance fires, its station sends
 * meter values and a status. No station may get a profile from A's stale plan (its old limit,
 * three shares of 10 kW) once B leads: every SetChargingProfile after the pause is a share of
 * the new limits. And A knows it follows.
 */
describe('ocpp-csms: a paused leader sends nothing once another replica leads', () => {
  let a: Replica;
  let b: Replica;
  let cpA: TestChargePoint;
  let cpB: TestChargePoint;
  const stationA = `FENCE-${process.pid}-A`;
  const stationB = `FENCE-${process.pid}-B`;

  const profiles = (): ProfileCall[] =>
    [
      [stationA, cpA],
      [stationB, cpB],
    ].flatMap(([station, cp]) =>
      (cp as TestChargePoint).received
        .filter((r) => r.method === 'SetChargingProfile')
        .map((r) => {
          const p = r.params.csChargingProfiles as {
            transactionId?: number;
            chargingSchedule: { chargingSchedulePeriod: { limit: number }[] };
          };
          return {
            station: station as string,
            at: r.at,
            transactionId: p.transactionId,
            limit: p.chargingSchedule.chargingSchedulePeriod[0].limit,
          };
        }),
    );

  beforeAll(async () => {
    buildApps('ocpp-csms');
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    // A first, so that it leads.
    a = await startReplica();
    await eventually(
      () => leaderOf(a),
      (l) => l.role === 'leader',
      10_000,
    );
    b = await startReplica();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([cpA, cpB].map((cp) => cp?.close().catch(() => undefined)));
    for (const r of [a, b]) {
      r?.process.kill('SIGCONT');
      await r?.stop();
    }
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  it('keeps the old leader from sending after SIGSTOP … SIGCONT, and it steps down', async () => {
    cpA = await TestChargePoint.connect(a.ocppUrl, stationA);
    cpB = await TestChargePoint.connect(b.ocppUrl, stationB);
    const txs: number[] = [];
    for (const cp of [cpA, cpB]) {
      await cp.boot();
      await cp.status(1, 'Charging');
      const tx = await cp.startTransaction(1);
      txs.push(tx);
      await power(cp, 1, tx, 7_000);
    }
    const [tx1, tx3] = txs;

    // The old plan, on A: 30 kW for two sessions, 15 kW each.
    const old = await putLimit(a, 30_000);
    expect(old.body).toMatchObject({ role: 'leader', limit_w: 30_000 });
    await eventually(
      () => Promise.resolve(profiles()),
      (list) => list.some((p) => p.transactionId === tx1) && list.some((p) => p.transactionId === tx3),
      10_000,
    );
    const oldLeader = await leaderOf(a);
    expect(oldLeader.role).toBe('leader');

    // A second car on A's station: A's re-balance is pending (debounced) when A is stopped.
    await cpA.status(2, 'Charging');
    const tx2 = await cpA.startTransaction(2);
    a.process.kill('SIGSTOP');
    const pausedAt = Date.now();

    // Meanwhile the limit changes (stored by B; A cannot answer) …
    const during = putLimit(b, 6_000).catch(() => null);
    // … A's lease runs out and B takes over with a larger fencing token.
    const newLeader = await eventually(
      () => leaderOf(b),
      (l) => l.role === 'leader',
      LEASE_MS + 7_000,
    );
    expect(newLeader.role).toBe('leader');
    expect(newLeader.token).toBeGreaterThan(oldLeader.token);
    const tookOverAt = Date.now();

    // The new leader sends its shares of a new limit.
    const put = await putLimit(b, 7_500);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ role: 'leader', limit_w: 7_500, fencing_token: newLeader.token });
    await eventually(
      () => Promise.resolve(profiles()),
      (list) => list.some((p) => p.station === stationB && p.at > tookOverAt && p.limit <= 7_500),
      10_000,
    );

    // A runs again: its pending re-balance fires, its review timer too, and its station reports.
    a.process.kill('SIGCONT');
    await power(cpA, 1, tx1, 9_000);
    await power(cpA, 2, tx2, 9_000);
    await cpA.status(2, 'SuspendedEV');
    await cpA.status(2, 'Charging');
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS + 3_000));
    await during;

    // A knows it follows B, in its readiness and in the plan it shows.
    const aNow = await eventually(
      () => leaderOf(a),
      (l) => l.role === 'follower',
      5_000,
    );
    expect(aNow).toMatchObject({ role: 'follower', instanceId: oldLeader.instanceId });
    const planOnA = await http<Plan>(`${a.url}/site/charging_limit`);
    expect(planOnA.body).toMatchObject({
      role: 'follower',
      leader_id: newLeader.instanceId,
      fencing_token: newLeader.token,
      limit_w: 7_500,
    });

    // Every profile since the pause is a share of the new limits (6 kW, then 7.5 kW): none is
    // one of A's stale shares (its 30 kW among three sessions: 10 kW each).
    const after = profiles().filter((p) => p.at >= pausedAt);
    expect(after.filter((p) => p.station === stationB).length).toBeGreaterThan(0);
    const stale = after.filter((p) => p.limit > 7_500);
    expect(stale).toEqual([]);
  }, 90_000);
});
