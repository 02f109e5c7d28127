import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testServices } from './services';
import { TestChargePoint } from './support/charge-point';
import { eventually, http, postJson } from './support/http';
import { freePort, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

const ROOT = join(__dirname, '..');
const DB = `csms_scale_${process.pid}`;

interface Replica {
  process: ChildProcessWithoutNullStreams;
  url: string;
  ocppUrl: string;
  output: () => string;
}

async function startReplica(): Promise<Replica> {
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
  if (ready.status !== 200) throw new Error(`replica did not become ready:\n${output}`);
  return { process: child, url, ocppUrl: `ws://127.0.0.1:${ocppPort}`, output: () => output };
}

/** Two CSMS processes sharing MariaDB and Redis: any replica serves REST for any station. */
describe('ocpp-csms scale-out over Redis', () => {
  let a: Replica;
  let b: Replica;
  let cp: TestChargePoint;
  const station = `SCALE-${process.pid}`;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), 'ocpp-csms'], { cwd: ROOT });
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout.toString()}`);
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    a = await startReplica();
    b = await startReplica();
    cp = await TestChargePoint.connect(a.ocppUrl, station);
    await cp.boot();
  }, 120_000);

  afterAll(async () => {
    await cp?.close();
    for (const r of [a, b]) {
      if (!r) continue;
      const exited = new Promise((resolve) => r.process.once('exit', resolve));
      r.process.kill('SIGTERM');
      await exited;
    }
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
