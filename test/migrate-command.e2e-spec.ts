import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { eventually, http } from './support/http';
import { freePort, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

/**
 * `main.js migrate` (the k8s migrations Job) on a fresh MariaDB database, for every app with a
 * database; and a server started with DB_MIGRATE=false on an empty database: not ready, naming the
 * pending migration, until the migrate command has run.
 */
const ROOT = join(__dirname, '..');
const APPS = {
  'solarhub-api': [
    'solarhub_api_migrations',
    'sh_users',
    'sh_bess_readings',
    'sh_schedule_events',
    'sh_service_tokens',
  ],
  'gridpilot-optimizer': ['gridpilot_optimizer_migrations', 'gp_prices', 'gp_dispatches'],
  'iot-mock': ['iot_mock_migrations', 'iot_devices'],
  'ocpp-csms': ['ocpp_csms_migrations', 'csms_stations', 'csms_transactions', 'csms_settings'],
} as const;
type App = keyof typeof APPS;
const database = (app: App): string => `migrate_${app.replace(/-/g, '_')}_${process.pid}`;
const baseEnv = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn' };

function migrate(app: App, databaseUrl: string) {
  return spawnSync(process.execPath, [join(ROOT, `dist/apps/${app}/main.js`), 'migrate'], {
    env: { ...baseEnv, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

async function tables(db: string): Promise<string[]> {
  const c = await createConnection({ uri: mysqlDatabaseUrl('information_schema') });
  try {
    const [rows] = await c.query('SELECT TABLE_NAME AS name FROM TABLES WHERE TABLE_SCHEMA = ?', [db]);
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    await c.end();
  }
}

describe('main.js migrate', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), ...Object.keys(APPS)], { cwd: ROOT });
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout.toString()}${build.stderr.toString()}`);
  }, 600_000);

  afterAll(async () => {
    for (const app of Object.keys(APPS) as App[]) await mysqlAdmin(`DROP DATABASE IF EXISTS ${database(app)}`);
    await mysqlAdmin(`DROP DATABASE IF EXISTS migrate_server_${process.pid}`);
  });

  it.each(Object.keys(APPS) as App[])(
    'creates the database of %s, applies its migrations, exits 0, and again changes nothing',
    async (app) => {
      const db = database(app);
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
      const first = migrate(app, mysqlDatabaseUrl(db));
      expect(first.stderr).not.toMatch(/error/i);
      expect(first.status).toBe(0);
      const [applied] = JSON.parse(first.stdout.trim().split('\n').at(-1) ?? '[]') as { applied: string[] }[];
      expect(applied.applied.length).toBeGreaterThan(0);
      expect(await tables(db)).toEqual(expect.arrayContaining([...APPS[app]]));
      const again = migrate(app, mysqlDatabaseUrl(db));
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout.trim().split('\n').at(-1) ?? '')).toEqual([
        { database: expect.stringContaining(db), applied: [] },
      ]);
    },
    180_000,
  );

  it('exits non-zero with a message naming the app and the database when it cannot migrate', async () => {
    const port = await freePort();
    const failed = migrate('iot-mock', `mysql://root:@127.0.0.1:${port}/nowhere`);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain(`iot-mock migrate: mysql://127.0.0.1:${port}/nowhere:`);
    expect(failed.stderr).toMatch(/ECONNREFUSED/);
  }, 180_000);

  describe('a server with DB_MIGRATE=false', () => {
    const db = `migrate_server_${process.pid}`;
    let server: ChildProcessWithoutNullStreams | undefined;
    let output = '';

    afterAll(async () => {
      if (!server || server.exitCode !== null) return;
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    });

    it('is not ready on an empty database and names the pending migration, until migrate has run', async () => {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
      const [port, ocppPort] = [await freePort(), await freePort()];
      server = spawn(process.execPath, [join(ROOT, 'dist/apps/ocpp-csms/main.js')], {
        env: {
          ...baseEnv,
          PORT: String(port),
          HOST: '127.0.0.1',
          OCPP_PORT: String(ocppPort),
          DATABASE_URL: mysqlDatabaseUrl(db),
          DB_MIGRATE: 'false',
        },
      });
      server.stdout.on('data', (c: Buffer) => (output += c.toString()));
      server.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const url = `http://127.0.0.1:${port}`;
      const behind = await eventually(
        () => http(`${url}/health/ready`, { anonymous: true }).catch(() => ({ status: 0, body: '' })),
        (r) => JSON.stringify(r.body).includes('pending migration'),
        60_000,
      );
      expect(behind.status).toBe(503);
      expect(JSON.stringify(behind.body)).toContain('CreateCsms1764000000000');
      // The server did not migrate: no table of its own in the (created) database.
      expect(await tables(db)).toEqual([]);

      expect(migrate('ocpp-csms', mysqlDatabaseUrl(db)).status).toBe(0);
      const ready = await eventually(
        () => http(`${url}/health/ready`, { anonymous: true }),
        (r) => r.status === 200,
        30_000,
      );
      expect(ready.status).toBe(200);
    }, 180_000);
  });
});
