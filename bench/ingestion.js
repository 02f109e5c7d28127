#!/usr/bin/env node
// Telemetry ingestion of solarhub-api: how many messages a second one replica (or two) stores
// with nothing lost, on MariaDB, through a Mosquitto of the bench's own (deploy/mosquitto's
// settings). The publisher sends the default asset mix (BESS with 12 racks, PCS, meter, PV
// inverter: about 4 rows a message) at QoS 1 at a fixed rate; a plain subscriber on the same
// broker counts what the broker delivered, side by side. For each rate it reports what was
// published, delivered to the plain subscriber and stored, the time to catch up after the
// publisher stops (the lag), solarhub-api's CPU and RSS, and the machine's load average (other
// work on the machine takes CPU from the broker, the database and solarhub-api alike).
//   npm run build && node bench/ingestion.js [--rates 2000,5000,10000] [--duration 60] [--replicas 1]
//     [--receive-maximum 2000]
// Needs MariaDB (TEST_DATABASE_URL or root@127.0.0.1:3306) and the mosquitto binary.
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const { loadavg, tmpdir } = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const mqtt = require('mqtt');
const mysql = require('mysql2/promise');
const { benchAuth, cpuSeconds, rssMb, startApp } = require('./lib');

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '2000,5000,10000,20000' },
    duration: { type: 'string', default: '60' },
    replicas: { type: 'string', default: '1' },
    devices: { type: 'string', default: '2000' },
    // solarhub-api's INGEST_RECEIVE_MAXIMUM (unacknowledged messages the broker may send it).
    'receive-maximum': { type: 'string', default: '2000' },
    'broker-port': { type: 'string', default: '18884' },
    port: { type: 'string', default: '18801' },
  },
});
const rates = values.rates.split(',').map(Number);
const durationS = Number(values.duration);
const replicas = Number(values.replicas);
const deviceCount = Number(values.devices);
const mysqlUrl = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root:@127.0.0.1:3306/test');
const db = `bench_ingest_${process.pid}`;
const TABLES = ['sh_bess_readings', 'sh_pcs_readings', 'sh_meter_readings', 'sh_inverter_readings'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startBroker(dir) {
  const port = Number(values['broker-port']);
  const conf = readFileSync(path.join(__dirname, '..', 'deploy', 'mosquitto', 'mosquitto.conf'), 'utf8')
    .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence .*$/m, 'persistence false')
    .replace(/^persistence_location .*$/m, '')
    .replace(/^log_dest .*$/m, 'log_dest none')
    .replace(/^(password_file|acl_file) .*$/gm, '')
    .replace(/^allow_anonymous .*$/m, 'allow_anonymous true');
  writeFileSync(path.join(dir, 'mosquitto.conf'), conf);
  const broker = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return { broker, url: `mqtt://127.0.0.1:${port}` };
    await sleep(100);
  }
  throw new Error('mosquitto did not start');
}

/** One real message of each asset type, as iot-mock publishes them (taken from a short iot-mock run). */
async function samplePayloads(brokerUrl, dir) {
  const port = Number(values.port) + 50;
  const iot = await startApp('iot-mock', port, [], {
    MQTT_URL: brokerUrl,
    DATABASE_URL: `sqlite:${path.join(dir, 'iot.sqlite')}`,
    DEFAULT_DEVICES: 'false',
    SIMULATION_INTERVAL: '0.2',
  });
  const client = await mqtt.connectAsync(brokerUrl, { clientId: `bench-sampler-${process.pid}` });
  const samples = new Map();
  client.on('message', (_t, payload) => {
    const m = JSON.parse(payload.toString());
    if (m.device_id.startsWith('sample-')) samples.set(m.device_type, m);
  });
  await client.subscribeAsync('energy/devices/+/data', { qos: 1 });
  for (const type of ['bess', 'pcs', 'meter', 'pv_inverter']) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...benchAuth('admin') },
      body: JSON.stringify({ device_type: type, name: type, device_id: `sample-${type}-1`, base_power: 500 }),
    });
    if (res.status !== 201) throw new Error(`iot-mock refused a ${type}: ${res.status}`);
  }
  while (samples.size < 4) await sleep(100);
  await client.endAsync();
  iot.kill('SIGTERM');
  await new Promise((r) => iot.once('exit', r));
  return [...samples.values()];
}

async function storedCount(conn) {
  let total = 0;
  for (const table of TABLES) {
    const [rows] = await conn
      .query(`SELECT COUNT(*) AS n FROM ${table} WHERE device_id LIKE 'bench%'`)
      .catch(() => [[{ n: 0 }]]);
    total += Number(rows[0].n);
  }
  return total;
}

async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-bench-'));
  const admin = await mysql.createConnection({
    host: mysqlUrl.hostname,
    port: Number(mysqlUrl.port || 3306),
    user: mysqlUrl.username,
    password: mysqlUrl.password,
  });
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
  const { broker, url: brokerUrl } = await startBroker(dir);
  const servers = [];
  const report = [];
  try {
    const templates = await samplePayloads(brokerUrl, dir);
    const dbUrl = `mysql://${mysqlUrl.username}:${mysqlUrl.password}@${mysqlUrl.host}/${db}`;
    for (let r = 0; r < replicas; r++) {
      servers.push(
        await startApp('solarhub-api', Number(values.port) + r, [], {
          MQTT_URL: brokerUrl,
          DATABASE_URL: dbUrl,
          INGEST_CLIENT_ID: `bench-ingest-${process.pid}-${r}`,
          INGEST_SHARED_GROUP: `bench-${process.pid}`,
          INGEST_SESSION_EXPIRY_S: '60',
          BESS_NUMBER: '12',
          INGEST_RECEIVE_MAXIMUM: values['receive-maximum'],
        }),
      );
    }
    const conn = await mysql.createConnection(dbUrl);
    const plain = await mqtt.connectAsync(brokerUrl, { clientId: `bench-plain-${process.pid}` });
    let delivered = 0;
    plain.on('message', () => (delivered += 1));
    await plain.subscribeAsync('energy/devices/+/data', { qos: 1 });
    const publisher = await mqtt.connectAsync(brokerUrl, { clientId: `bench-pub-${process.pid}` });
    // Each device: one of the four types, a unit 1…12 at the end of its id, its own seq.
    const devices = Array.from({ length: deviceCount }, (_, i) => {
      const template = templates[i % templates.length];
      return { id: `bench${i}-${template.device_type}-${(i % 12) + 1}`, template, seq: 0 };
    });
    let next = 0;
    for (const rate of rates) {
      const before = await storedCount(conn);
      const delivered0 = delivered;
      const cpu0 = servers.map((s) => cpuSeconds(s.pid));
      let published = 0;
      const t0 = Date.now();
      // Publish in 10 ms slices at the rate asked, so the broker sees a steady stream.
      while (Date.now() - t0 < durationS * 1000) {
        const due = Math.floor(((Date.now() - t0) / 1000) * rate);
        while (published < due) {
          const d = devices[next++ % devices.length];
          d.seq += 1;
          const message = { ...d.template, device_id: d.id, seq: d.seq, timestamp: new Date().toISOString() };
          publisher.publish(`energy/devices/${d.id}/data`, JSON.stringify(message), { qos: 1 });
          published += 1;
        }
        await sleep(10);
      }
      const wallS = (Date.now() - t0) / 1000;
      const load1m = Math.round(loadavg()[0] * 10) / 10;
      const cpu = servers.map((s, i) => Math.round(((cpuSeconds(s.pid) - cpu0[i]) / wallS) * 100));
      const stopAt = Date.now();
      let stored = (await storedCount(conn)) - before;
      let last = -1;
      // Catch up: wait while rows still arrive (at most 60 s).
      while (stored < published && Date.now() - stopAt < 60_000 && stored !== last) {
        last = stored;
        await sleep(2000);
        stored = (await storedCount(conn)) - before;
      }
      while (stored < published && Date.now() - stopAt < 60_000) {
        await sleep(500);
        stored = (await storedCount(conn)) - before;
      }
      const lagS = (Date.now() - stopAt) / 1000;
      report.push({
        ratePerS: rate,
        published,
        deliveredToPlainSubscriber: delivered - delivered0,
        stored,
        lostPct: Math.round((1 - stored / published) * 10000) / 100,
        catchUpAfterStopS: lagS,
        solarhubCpuPctOfOneCore: cpu,
        solarhubRssMb: servers.map((s) => Math.round(rssMb(s.pid))),
        machineLoad1m: load1m,
      });
      console.error(JSON.stringify(report.at(-1)));
    }
    await publisher.endAsync();
    await plain.endAsync();
    await conn.end();
    console.log(
      JSON.stringify(
        {
          bench: 'solarhub-api telemetry ingestion (MariaDB, QoS 1, default asset mix)',
          replicas,
          durationS,
          rows_per_message: 'about 4 (BESS 13, PCS 1, meter 1, inverter 1)',
          runs: report,
          targets: { oneReplicaPerS: '>= 10000 with 0 lost and lag < 5 s', twoReplicasPerS: '>= 15000' },
        },
        null,
        2,
      ),
    );
  } finally {
    for (const s of servers) {
      s.kill('SIGTERM');
      await new Promise((r) => s.once('exit', r));
    }
    broker.kill('SIGTERM');
    await admin.query(`DROP DATABASE IF EXISTS ${db}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

run().catch((error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
