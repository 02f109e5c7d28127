import { testServices } from './services';
import { AppProcess, buildApps, startApp } from './support/app-process';
import { TestChargePoint } from './support/charge-point';
import { eventually, http, postJson } from './support/http';
import { freePort, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

const DB = `csms_scale_${process.pid}`;

interface Replica extends AppProcess {
  ocppUrl: string;
}

async function startReplica(): Promise<Replica> {
  const ocppPort = await freePort();
  const replica = await startApp('ocpp-csms', {
    OCPP_PORT: String(ocppPort),
    DATABASE_URL: mysqlDatabaseUrl(DB),
    REDIS_URL: testServices.redisUrl,
  });
  return { ...replica, ocppUrl: `ws://127.0.0.1:${ocppPort}` };
}

/** Two CSMS processes sharing MariaDB and Redis: any replica serves REST for any station. */
describe('ocpp-csms scale-out over Redis', () => {
  let a: Replica;
  let b: Replica;
  let cp: TestChargePoint;
  const station = `SCALE-${process.pid}`;

  beforeAll(async () => {
    buildApps('ocpp-csms');
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    a = await startReplica();
    b = await startReplica();
    cp = await TestChargePoint.connect(a.ocppUrl, station);
    await cp.boot();
  }, 120_000);

  afterAll(async () => {
    await cp?.close();
    for (const r of [a, b]) await r?.stop();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  it('shows the station connected on the replica that does not hold its socket', async () => {
    const view = await eventually(
      () => http<{ connected: boolean }>(`${b.url}/stations/${station}`),
      (r) => r.body.connected === true,
    );
    expect(view.body.connected).toBe(true);
    expect((await http<{ station_id: string; connected: boolean }[]>(`${b.url}/stations`)).body).toContainEqual(
      expect.objectContaining({ station_id: station, connected: true }),
    );
  });

  it('routes a REST call on replica B to the station connected to replica A, and the answer comes back', async () => {
    const reset = await postJson(`${b.url}/stations/${station}/reset`, { type: 'Soft' });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ station_id: station, status: 'Accepted' });
    expect(cp.received.some((r) => r.method === 'Reset')).toBe(true);
    const profile = await postJson<{ status: string }>(`${b.url}/stations/${station}/test_profiles`, {
      scenario: 'peak_shaving',
      max_power_w: 9000,
    });
    expect(profile.body.status).toBe('success');
    expect(cp.profiles.at(-1)?.profile.chargingSchedule.chargingSchedulePeriod[0].limit).toBe(9000);
    const schedule = await http<{ schedule: { chargingSchedulePeriod: unknown[] } }>(
      `${b.url}/stations/${station}/composite_schedule?connector_id=0&duration=60`,
    );
    expect(schedule.body.schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 9000 }]);
  });

  it('answers 503 on every replica once the station is gone', async () => {
    await cp.close();
    const gone = await eventually(
      () => postJson(`${b.url}/stations/${station}/reset`, { type: 'Soft' }),
      (r) => r.status === 503,
    );
    expect(gone.status).toBe(503);
    expect((await postJson(`${a.url}/stations/${station}/reset`, { type: 'Soft' })).status).toBe(503);
  });
});
