#!/usr/bin/env node
// The platform launcher: `npm start`. Starts the five apps and the console, each as its own process, on embedded
// infrastructure when none is configured: an in-process MQTT broker (aedes) and SQLite files.
// With MQTT_URL / DATABASE_URL / REDIS_URL set, the apps use those instead.
//
// Settings (environment): PLATFORM_APPS (comma list, default all), <APP>_PORT (e.g.
// PLANT_SIMULATOR_PORT), EMBEDDED_MQTT_PORT (default 1883, a free one if taken),
// PLATFORM_DATA_DIR (default ./data), PLATFORM_SKIP_BUILD=true to use dist/ as it is,
// PLATFORM_SEED_DAYS (history solarhub-api is seeded with on its first start, default 7; 0: none),
// PLATFORM_SITE_ASSETS=false not to create the site's BESS, PCS, meters and inverters in iot-mock.
//
// The embedded broker enforces the bus ACL of libs/messaging/src/broker-acl.js (the same table
// Mosquitto's acl_file is rendered from): each app logs in as its own user with a password made
// for this start; the console and ops users' passwords are written to <data dir>/mqtt-credentials.json.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { aedesAclHandlers, generateBrokerPasswords } = require('../libs/messaging/src/broker-acl');

const ROOT = path.join(__dirname, '..');
const DEFAULT_PORTS = {
  'solarhub-api': 8000,
  'gridpilot-optimizer': 8001,
  'ocpp-csms': 8002,
  'plant-simulator': 8090,
  'iot-mock': 8091,
  console: 3000,
};
const env = process.env;
const apps = env.PLATFORM_APPS ? env.PLATFORM_APPS.split(',').map((a) => a.trim()) : Object.keys(DEFAULT_PORTS);
const dataDir = path.resolve(env.PLATFORM_DATA_DIR || path.join(ROOT, 'data'));
const children = new Map();
let broker = null;
let brokerServer = null;
let stopping = false;
let brokerPasswords = null;

const log = (msg) => console.log(`[platform] ${msg}`);
const portVar = (app) => `${app.toUpperCase().replace(/-/g, '_')}_PORT`;

function listenOn(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function startEmbeddedBroker() {
  const { Aedes } = require('aedes');
  brokerPasswords = generateBrokerPasswords();
  broker = await Aedes.createBroker(aedesAclHandlers(brokerPasswords));
  brokerServer = net.createServer(broker.handle);
  const wanted = Number(env.EMBEDDED_MQTT_PORT || 1883);
  try {
    return await listenOn(brokerServer, wanted);
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    brokerServer = net.createServer(broker.handle);
    const port = await listenOn(brokerServer, 0);
    log(`port ${wanted} is taken; embedded broker on ${port} instead`);
    return port;
  }
}

function build() {
  if (
    env.PLATFORM_SKIP_BUILD === 'true' &&
    apps.every((a) => fs.existsSync(path.join(ROOT, 'dist/apps', a, 'main.js')))
  )
    return;
  log('building the apps (npm run build)');
  const result = spawnSync(process.execPath, [path.join(__dirname, 'build.js'), ...apps], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('build failed');
}

async function waitLive(app, port, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!children.has(app)) throw new Error(`${app} exited during start-up`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/live`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${app} did not answer /health/live within ${timeoutMs / 1000} s`);
}

function startApp(app, infra, extraEnv = {}) {
  const port = Number(env[portVar(app)] || DEFAULT_PORTS[app]);
  const childEnv = {
    ...env,
    ...infra,
    ...(infra.MQTT_URL && brokerPasswords ? { MQTT_URL: brokerUrl(infra.MQTT_URL, app) } : {}),
    PORT: String(port),
    DATABASE_URL: env.DATABASE_URL || `sqlite:${path.join(dataDir, `${app}.sqlite`)}`,
    // Simulated EV chargers in iot-mock dial this platform's CSMS.
    CSMS_OCPP_URL: env.CSMS_OCPP_URL || `ws://127.0.0.1:${env.OCPP_PORT || 9000}`,
    // The embedded broker (aedes) speaks MQTT 3.1.1 without shared subscriptions: one replica, a plain session.
    ...(infra.MQTT_URL ? { INGEST_SHARED_GROUP: 'none', INGEST_SESSION_EXPIRY_S: '0' } : {}),
    // The apps write to this launcher's pipe, not a terminal: ask for the human format when a person watches.
    LOG_FORMAT: env.LOG_FORMAT || (process.stdout.isTTY ? 'pretty' : 'json'),
    ...extraEnv,
  };
  // The optimizer steers this platform's plant and two of iot-mock's default devices.
  if (app === 'gridpilot-optimizer' && apps.includes('plant-simulator')) {
    const plantPort = env[portVar('plant-simulator')] || DEFAULT_PORTS['plant-simulator'];
    childEnv.PLANT_URL = env.PLANT_URL || `http://127.0.0.1:${plantPort}`;
    if (apps.includes('iot-mock')) {
      childEnv.DISPATCH_DEVICES = env.DISPATCH_DEVICES || 'inference:compute-1,cooling:chiller-1';
      // The plan's battery power goes to the site's first BESS (created with the site assets).
      const siteBess = env.PLATFORM_SITE_ASSETS !== 'false' && apps.includes('solarhub-api') ? 'bess-1' : '';
      if (env.BESS_DEVICE_ID || siteBess) childEnv.BESS_DEVICE_ID = env.BESS_DEVICE_ID || siteBess;
    }
  }
  // The console proxies each app of this platform and reads the bus as its own (read-only) broker user.
  if (app === 'console') {
    const url = (other) => `http://127.0.0.1:${env[portVar(other)] || DEFAULT_PORTS[other]}`;
    Object.assign(childEnv, {
      SOLARHUB_API_URL: env.SOLARHUB_API_URL || url('solarhub-api'),
      GRIDPILOT_URL: env.GRIDPILOT_URL || url('gridpilot-optimizer'),
      CSMS_URL: env.CSMS_URL || url('ocpp-csms'),
      IOT_MOCK_URL: env.IOT_MOCK_URL || url('iot-mock'),
      PLANT_URL: env.PLANT_URL || url('plant-simulator'),
    });
  }
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', app, 'main.js')], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(app, child);
  for (const stream of [child.stdout, child.stderr]) {
    readline
      .createInterface({ input: stream })
      .on('line', (line) => process.stdout.write(`${app.padEnd(19)} | ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    children.delete(app);
    if (!stopping) {
      log(`${app} exited (${signal || code}); stopping the platform`);
      void stop(1);
    }
  });
  return port;
}

/** The embedded broker's URL with `app`'s own user and password. */
function brokerUrl(url, user) {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(brokerPasswords[user]);
  return u.toString().replace(/\/$/, '');
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  const exits = [...children.values()].map(
    (child) =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  );
  await Promise.all(exits);
  if (brokerServer) await new Promise((r) => brokerServer.close(r));
  if (broker) await new Promise((r) => broker.close(r));
  process.exit(code);
}

/** solarhub-api's first start on its own SQLite file: fill history, so the dashboards have days to show. */
function seedSolarhub() {
  const days = Number(env.PLATFORM_SEED_DAYS ?? 7);
  const file = path.join(dataDir, 'solarhub-api.sqlite');
  if (!apps.includes('solarhub-api') || env.DATABASE_URL || days <= 0 || fs.existsSync(file)) return;
  log(`seeding solarhub-api with ${days} days of history`);
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist/apps/solarhub-api/main.js'), 'seed', '--days', String(days)],
    {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (result.status !== 0) throw new Error('seeding solarhub-api failed');
}

/** The site's energy assets in iot-mock (bess-1, pcs-1, meter-1, inverter-1, …), so solarhub-api gets live telemetry. */
const SITE_ASSETS = [
  ...[1, 2].map((n) => ({ device_id: `bess-${n}`, device_type: 'bess', name: `BESS ${n}`, base_power: 1000 })),
  ...[1, 2].map((n) => ({ device_id: `pcs-${n}`, device_type: 'pcs', name: `PCS ${n}`, base_power: 1000 })),
  { device_id: 'meter-1', device_type: 'meter', name: 'Grid meter', base_power: 400 },
  { device_id: 'meter-2', device_type: 'meter', name: 'Auxiliary meter', base_power: 25 },
  ...[1, 2].map((n) => ({
    device_id: `inverter-${n}`,
    device_type: 'pv_inverter',
    name: `PV inverter ${n}`,
    base_power: 500,
  })),
];

/**
 * The site's EV chargers: iot-mock dials the CSMS for each (so ocpp-csms lists them as stations),
 * and its simulated drivers (EV_DRIVERS, default charger-*) bring cars on a daily pattern, the
 * first one within a minute of start; the optimizer steers them through the site charging limit.
 */
const SITE_CHARGERS = [1, 2, 3, 4].map((n) => ({
  device_id: `charger-${n}`,
  device_type: 'ev_charger',
  name: `Charger ${n}`,
  base_power: 22,
}));

/** The devices the optimizer steers (DISPATCH_DEVICES): sized for its loads (iot-mock accepts up to 2 × base power). */
const OPTIMIZER_DEVICES = [
  { device_id: 'compute-1', device_type: 'server', name: 'Inference cluster', base_power: 150 },
  { device_id: 'chiller-1', device_type: 'hvac', name: 'Chiller', base_power: 75 },
];

const admin = { username: env.ADMIN_USERNAME || 'admin', password: env.ADMIN_PASSWORD || 'secret' };

/** An admin access token from solarhub-api (the site's identity provider), retried while it starts. */
async function adminToken(port) {
  // solarhub-api creates the admin just after its database is ready: a 401 may only mean "not yet",
  // so wait for readiness first (and do not spend the login throttle's failures on a race).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
    if (ready?.ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  let last = 'no answer';
  while (Date.now() < deadline) {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    }).catch(() => null);
    if (response?.ok) return (await response.json()).access_token;
    last = response ? String(response.status) : 'no answer';
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`solarhub-api refused the admin login (${last}): check ADMIN_USERNAME/ADMIN_PASSWORD`);
}

const SERVICE_TOKEN_NAME = 'gridpilot-optimizer';

/** A fresh operator service token for the optimizer's calls to the other apps; earlier ones of this launcher are revoked. */
async function optimizerServiceToken(port, token) {
  const url = `http://127.0.0.1:${port}/api/v1/auth/service-tokens`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const existing = await (await fetch(url, { headers })).json();
  for (const old of existing.filter((t) => t.name === SERVICE_TOKEN_NAME && !t.revoked_at)) {
    await fetch(`${url}/${old.id}`, { method: 'DELETE', headers: { authorization: headers.authorization } });
  }
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: SERVICE_TOKEN_NAME, role: 'operator', expires_in_days: 30 }),
  });
  if (response.status !== 201) throw new Error(`could not create the optimizer's service token (${response.status})`);
  return (await response.json()).token;
}

async function ensureSiteAssets(port, token) {
  if (env.PLATFORM_SITE_ASSETS === 'false' || !apps.includes('iot-mock')) return;
  const assets = [
    ...(apps.includes('solarhub-api') ? SITE_ASSETS : []),
    ...(apps.includes('ocpp-csms') ? SITE_CHARGERS : []),
    ...(apps.includes('gridpilot-optimizer') && !env.DISPATCH_DEVICES ? OPTIMIZER_DEVICES : []),
  ];
  const post = (asset) =>
    fetch(`http://127.0.0.1:${port}/api/v1/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...asset, location: 'Site' }),
    });
  let created = 0;
  const deadline = Date.now() + 30_000;
  for (const asset of assets) {
    let response = await post(asset);
    // 503 until iot-mock's database is migrated.
    while (response.status === 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      response = await post(asset);
    }
    if (response.status === 201) created += 1;
    else if (response.status !== 409) log(`iot-mock refused site asset ${asset.device_id}: ${response.status}`);
  }
  if (created > 0) log(`created ${created} site assets in iot-mock`);
}

async function main() {
  for (const app of apps) {
    if (!DEFAULT_PORTS[app]) throw new Error(`PLATFORM_APPS: unknown app "${app}"`);
  }
  build();
  fs.mkdirSync(dataDir, { recursive: true });
  const infra = {};
  if (!env.MQTT_URL) {
    const port = await startEmbeddedBroker();
    infra.MQTT_URL = `mqtt://127.0.0.1:${port}`;
    log(`embedded MQTT broker (aedes) on ${infra.MQTT_URL} (a user per app, bus ACL)`);
    const file = path.join(dataDir, 'mqtt-credentials.json');
    const { console: consoleUser, ops } = brokerPasswords;
    fs.writeFileSync(file, `${JSON.stringify({ console: consoleUser, ops }, null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    log(`broker users console and ops: passwords in ${file}`);
  }
  log(env.DATABASE_URL ? 'database: DATABASE_URL' : `database: SQLite files in ${dataDir}`);
  log(env.REDIS_URL ? 'cache/bus: REDIS_URL' : 'cache: in-process; bus: MQTT');
  seedSolarhub();
  // The optimizer starts last: it gets a service token from solarhub-api, the site's identity provider.
  const first = apps.filter((app) => app !== 'gridpilot-optimizer');
  const ports = Object.fromEntries(first.map((app) => [app, startApp(app, infra)]));
  await Promise.all(first.map((app) => waitLive(app, ports[app])));
  const token = ports['solarhub-api'] ? await adminToken(ports['solarhub-api']) : null;
  if (apps.includes('gridpilot-optimizer')) {
    const serviceToken =
      token && !env.SERVICE_TOKEN ? await optimizerServiceToken(ports['solarhub-api'], token) : env.SERVICE_TOKEN;
    ports['gridpilot-optimizer'] = startApp(
      'gridpilot-optimizer',
      infra,
      serviceToken ? { SERVICE_TOKEN: serviceToken } : {},
    );
    await waitLive('gridpilot-optimizer', ports['gridpilot-optimizer']);
  }
  if (ports['iot-mock'] && token) await ensureSiteAssets(ports['iot-mock'], token);
  const lines = apps
    .filter((app) => app !== 'console')
    .map((app) => `  ${app.padEnd(20)} http://localhost:${ports[app]}   docs: http://localhost:${ports[app]}/docs`);
  const consoleLine = ports.console
    ? `Console: http://localhost:${ports.console}  (user ${admin.username}, password ${admin.password})`
    : `Log in as "${admin.username}" with password "${admin.password}" (ADMIN_USERNAME / ADMIN_PASSWORD).`;
  const login = token
    ? [
        '  An admin access token for the APIs (30 minutes), ready to use:',
        `  curl -H "Authorization: Bearer ${token}" http://localhost:${ports['ocpp-csms'] ?? DEFAULT_PORTS['ocpp-csms']}/stations`,
      ]
    : [];
  console.log(
    `\n${consoleLine}\n\nThe apps:\n${lines.join('\n')}\n  ${'mqtt broker'.padEnd(20)} ${infra.MQTT_URL || env.MQTT_URL}\n${login.join('\n')}\n`,
  );
  log('ready');
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch((error) => {
  console.error(`[platform] ${error.message}`);
  void stop(1);
});
