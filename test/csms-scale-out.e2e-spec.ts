import { testServices } from './services';
import { AppProcess, buildApps, startApp } from './support/app-process';
import { TestChargePoint, plugInCar } from './support/charge-point';
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

  it('answers on replica B with the status and power of a station charging on replica A', async () => {
    // An idle station on B, for the power order to put below the charging one.
    const idle = await TestChargePoint.connect(b.ocppUrl, `${station}-IDLE`);
    await idle.boot();
    await idle.status(1, 'Available');
    const session = await plugInCar(cp, 1, 7200, 500);
    try {
      type Detail = { connectors: { connector_id: number; status: string | null; latest_meter: unknown }[] };
      const detail = await eventually(
        () => http<Detail>(`${b.url}/stations/${station}`),
        (r) =>
          r.body.connectors.some((c) => c.connector_id === 1 && c.status === 'Charging' && c.latest_meter !== null),
      );
      const one = detail.body.connectors.find((c) => c.connector_id === 1);
      expect(one?.status).toBe('Charging');
      expect(JSON.stringify(one?.latest_meter)).toContain('Power.Active.Import');
      const charging = await http<{ station_id: string }[]>(`${b.url}/stations?status=Charging`);
      expect(charging.body.map((s) => s.station_id)).toContain(station);
      expect(charging.body.map((s) => s.station_id)).not.toContain(`${station}-IDLE`);
      // A status word in the search box, any case, finds it too; the idle one only by its own word.
      const searched = await http<{ station_id: string }[]>(`${b.url}/stations?q=CHARG`);
      expect(searched.body.map((s) => s.station_id)).toEqual([station]);
      const available = await http<{ station_id: string }[]>(`${a.url}/stations?q=availab`);
      expect(available.body.map((s) => s.station_id)).toContain(`${station}-IDLE`);
      expect(available.body.map((s) => s.station_id)).not.toContain(station);
      const byPower = await http<{ station_id: string }[]>(`${b.url}/stations?sort=-power&connected=true`);
      const order = byPower.body.map((s) => s.station_id);
      expect(order.indexOf(station)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(station)).toBeLessThan(order.indexOf(`${station}-IDLE`));
    } finally {
      await session.stop();
      await idle.close();
    }
    // The car has gone: B no longer lists it as charging.
    const after = await eventually(
      () => http<{ station_id: string }[]>(`${b.url}/stations?status=Charging`),
      (r) => !r.body.some((s) => s.station_id === station),
    );
    expect(after.body.map((s) => s.station_id)).not.toContain(station);
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
