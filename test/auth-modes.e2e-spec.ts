import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { createSolarhubApp } from '../apps/solarhub-api/src/app.factory';
import { testServices } from './services';
import { testToken } from './support/auth';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { freePort, ingestEnv, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

const DB_SH = `authmodes_sh_${process.pid}`;
const DB_CSMS = `authmodes_csms_${process.pid}`;

const base = (db: string): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: mysqlDatabaseUrl(db),
});

async function login(url: string): Promise<{ access_token: string }> {
  const res = await eventually(
    () =>
      postJson<{ access_token: string }>(`${url}/api/v1/auth/login/json`, { username: 'admin', password: 'secret' }),
    (r) => r.status === 200,
    15_000,
  );
  return res.body;
}

const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function ready(url: string): Promise<void> {
  await eventually(
    () => http(`${url}/health/ready`),
    (r) => r.status === 200,
    20_000,
  );
}

describe('signing modes and revocation transports', () => {
  const apps: NestFastifyApplication[] = [];

  beforeEach(async () => {
    for (const db of [DB_SH, DB_CSMS]) {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
      await mysqlAdmin(`CREATE DATABASE ${db}`);
    }
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    for (const db of [DB_SH, DB_CSMS]) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('HS256 over Redis: a logout at solarhub-api is refused by ocpp-csms within 2 s', async () => {
    const redis = { REDIS_URL: `${testServices.redisUrl}/5` };
    const solarhub = await createSolarhubApp(loadSolarhubConfig({ ...base(DB_SH), ...redis }));
    apps.push(solarhub);
    const shUrl = await listenOnFreePort(solarhub);
    const csms = await createCsmsApp(loadOcppCsmsConfig({ ...base(DB_CSMS), ...redis, OCPP_PORT: '0' }));
    apps.push(csms);
    const csmsUrl = await listenOnFreePort(csms);
    await ready(csmsUrl);
    const { access_token } = await login(shUrl);
    expect((await http(`${csmsUrl}/stations`, as(access_token))).status).toBe(200);

    expect((await http(`${shUrl}/api/v1/auth/logout`, { method: 'POST', ...as(access_token) })).status).toBe(200);
    const t0 = Date.now();
    const after = await eventually(
      () => http(`${csmsUrl}/stations`, as(access_token)),
      (r) => r.status === 401,
      2000,
    );
    expect(after.status).toBe(401);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(after.body).toEqual({ detail: 'Session has ended' });
  });

  it('ES256: apps verify with the JWKS, and a key rotation keeps old and new tokens valid while the apps run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwks-'));
    const keyFile = (name: string): string => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const file = join(dir, name);
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }));
      return file;
    };
    const [key1, key2] = [keyFile('key1.pem'), keyFile('key2.pem')];
    const port = await freePort();
    const es256 = { JWT_ALGORITHM: 'ES256', MQTT_URL: testServices.mqttUrl };

    const startSolarhub = async (env: Record<string, string>): Promise<string> => {
      const app = await createSolarhubApp(loadSolarhubConfig({ ...base(DB_SH), ...es256, ...ingestEnv(), ...env }));
      apps.push(app);
      await app.listen(port, '127.0.0.1');
      return `http://127.0.0.1:${port}`;
    };

    let shUrl = await startSolarhub({ JWT_PRIVATE_KEY_FILE: key1 });
    const jwks1 = await http<{ keys: { kid: string; alg: string }[] }>(`${shUrl}/.well-known/jwks.json`);
    expect(jwks1.body.keys).toEqual([expect.objectContaining({ alg: 'ES256', kid: expect.any(String) })]);

    const csms = await createCsmsApp(
      loadOcppCsmsConfig({
        ...base(DB_CSMS),
        ...es256,
        OCPP_PORT: '0',
        JWKS_URL: `${shUrl}/.well-known/jwks.json`,
      }),
    );
    const csmsUrl = await listenOnFreePort(csms);
    await ready(csmsUrl);
    const old = (await login(shUrl)).access_token;
    expect((await http(`${csmsUrl}/stations`, as(old))).status).toBe(200);
    // A token signed with the shared HS256 development key is worthless in ES256 mode.
    expect((await http(`${csmsUrl}/stations`, as(await testToken({ role: 'admin' })))).status).toBe(401);

    // Rollover: solarhub-api restarts signing with key 2 and still publishing key 1.
    const first = apps.pop() as NestFastifyApplication;
    await first.close();
    shUrl = await startSolarhub({ JWT_PRIVATE_KEY_FILE: key2, JWT_PREVIOUS_KEY_FILES: key1 });
    apps.push(csms);
    const jwks2 = await http<{ keys: { kid: string }[] }>(`${shUrl}/.well-known/jwks.json`);
    expect(jwks2.body.keys.map((k) => k.kid)).toEqual([expect.any(String), jwks1.body.keys[0].kid]);
    const fresh = (await login(shUrl)).access_token;
    expect((await http(`${csmsUrl}/stations`, as(fresh))).status).toBe(200);
    expect((await http(`${csmsUrl}/stations`, as(old))).status).toBe(200);
    expect((await http(`${shUrl}/api/v1/auth/me`, as(old))).status).toBe(200);
  });
});
