#!/usr/bin/env node
// Telemetry ingestion of solarhub-api: how many messages a second one replica (or two) stores
// with nothing lost, on MariaDB, through a Mosquitto of the bench's own (deploy/mosquitto's
// settings). A publisher in a process of its own sends the default asset mix (BESS with 12 racks,
// PCS, meter, PV inverter: about 4 rows a message) at QoS 1 at a fixed rate and counts the
// broker's PUBACKs; a plain QoS 1 subscriber, in a process of its own too, counts what the broker
// delivered, side by side. For each rate it reports what was published, accepted by the broker,
// delivered to the plain subscriber and stored, and how long after the publisher stopped each of
// them caught up (the lag: the plain subscriber's tells the broker's own delay apart from
// ingestion's); the CPU of every process of the run (solarhub-api, Mosquitto, MariaDB, the
// publisher, the plain subscriber) and of the whole machine, the replicas' highest backlog and
// unacknowledged messages (their /metrics) and the load average (other work on the machine takes
// CPU from the broker, the database and solarhub-api alike).
//   npm run build && node bench/ingestion.js [--rates 2000,5000,10000] [--duration 60] [--replicas 1]
//     [--receive-maximum 2000] [--wait 60]
// --wait: how long to wait after the publisher stops for the rest to be stored (a rate over what
// the machine sustains: the broker holds the excess, and this shows it stored later).
// Needs MariaDB (TEST_DATABASE_URL or root@127.0.0.1:3306) and the mosquitto binary.
const { fork, spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const mqtt = require('mqtt');
const mysql = require('mysql2/promise');
const { benchAuth, cpuSeconds, rssMb, startApp, startBroker } = require('./lib');

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '2000,5000,10000,20000' },
    duration: { type: 'string', default: '60' },
    replicas: { type: 'string', default: '1' },
    devices: { type: 'string', default: '2000' },
    // solarhub-api's INGEST_RECEIVE_MAXIMUM (unacknowledged messages the broker may send it);
    // unset: the app's default.
    'receive-maximum': { type: 'string' },
    // Seconds to wait after the publisher stops for everything to be stored.
    wait: { type: 'string', default: '60' },
    'broker-port': { type: 'string', default: '18884' },
    port: { type: 'string', default: '18801' },
    // Internal: the publisher and the plain subscriber run this file in processes of their own.
    role: { type: 'string', default: 'main' },
    'broker-url': { type: 'string' },
  },
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MAX_INFLIGHT = 50_000;

/** The publisher's process: QoS 1 at the rate asked, in 10 ms slices; counts PUBACKs. */
async function publisherRole() {
  const client = await mqtt.connectAsync(values['broker-url'], { clientId: `bench-pub-${process.pid}` });
  let published = 0;
  let acked = 0;
  let failed = 0;
  let bytes = 0;
  let devices = [];
  let next = 0;
  const report = () => process.send({ ev: 'counts', published, acked, failed, bytes, cpuS: cpuSeconds(process.pid) });
  setInterval(report, 200).unref();
  process.on('message', async (m) => {
    if (m.cmd === 'setup') {
      // Each device: one of the four types, a unit 1…12 at the end of its id, its own seq.
      devices = Array.from({ length: m.deviceCount }, (_, i) => {
        const template = m.templates[i % m.templates.length];
        return { id: `bench${i}-${template.device_type}-${(i % 12) + 1}`, template, seq: 0 };
      });
      // Sent in a shuffled (fixed-seed) order: in the order above the types repeat every four
      // messages, and a shared subscription's round robin over two replicas gave one of them every
      // BESS (13 rows a message) and the other none.
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let i = devices.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [devices[i], devices[j]] = [devices[j], devices[i]];
      }
    } else if (m.cmd === 'run') {
      const t0 = Date.now();
      let sent = 0;
      const ack = (error) => (error ? (failed += 1) : (acked += 1));
      while (Date.now() - t0 < m.durationS * 1000) {
        const due = Math.floor(((Date.now() - t0) / 1000) * m.rate);
        // At most MAX_INFLIGHT without their PUBACK (mqtt.js reuses message ids past 65,535 in
        // flight and loses their callbacks): a broker that falls behind holds the publisher back,
        // as it would a device, instead of the messages piling up in this process.
        while (sent < due && published - acked - failed < MAX_INFLIGHT) {
          const d = devices[next++ % devices.length];
          d.seq += 1;
          const message = { ...d.template, device_id: d.id, seq: d.seq, timestamp: new Date().toISOString() };
          const payload = JSON.stringify(message);
          bytes += payload.length;
          client.publish(`energy/devices/${d.id}/data`, payload, { qos: 1 }, ack);
          sent += 1;
          published += 1;
        }
        await sleep(10);
      }
      report();
      process.send({ ev: 'stopped', published, behind: Math.floor(m.durationS * m.rate) - sent });
    } else if (m.cmd === 'exit') {
      await client.endAsync(true);
      process.exit(0);
    }
  });
  process.send({ ev: 'ready' });
}

/** The plain subscriber's process: counts what the broker delivers (QoS 1, acknowledged at once). */
async function plainRole() {
  const client = await mqtt.connectAsync(values['broker-url'], { clientId: `bench-plain-${process.pid}` });
  let delivered = 0;
  client.on('message', () => (delivered += 1));
  await client.subscribeAsync('energy/devices/+/data', { qos: 1 });
  setInterval(() => process.send({ ev: 'counts', delivered, cpuS: cpuSeconds(process.pid) }), 200).unref();
  process.on('message', async (m) => {
    if (m.cmd === 'exit') {
      await client.endAsync(true);
      process.exit(0);
    }
  });
  process.send({ ev: 'ready' });
}

/** A child running this file in `role`; `latest` holds the counts it sent last. */
async function startRole(role, brokerUrl) {
  const child = fork(path.join(__dirname, 'ingestion.js'), ['--role', role, '--broker-url', brokerUrl], {
    stdio: 'inherit',
  });
  const state = { child, latest: {}, waiters: [] };
  child.on('message', (m) => {
    if (m.ev === 'counts') state.latest = m;
    for (const w of state.waiters.filter((x) => x.ev === m.ev)) w.resolve(m);
    state.waiters = state.waiters.filter((x) => x.ev !== m.ev);
  });
  state.next = (ev) => new Promise((resolve) => state.waiters.push({ ev, resolve }));
  await state.next('ready');
  return state;
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

const TABLES = ['sh_bess_readings', 'sh_pcs_readings', 'sh_meter_readings', 'sh_inverter_readings'];
/** One row per message in these (the racks' rows are in sh_rack_readings). */
const MESSAGE_ENTITIES = ['BessReadingEntity', 'PcsReadingEntity', 'MeterReadingEntity', 'InverterReadingEntity'];

/** Messages stored, exactly: one row per message in the four main history tables. */
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

/**
 * A replica's /metrics: messages stored (history rows of the four message tables), its backlog
 * and its unacknowledged messages. Cheap, unlike COUNT(*) on millions of rows, which would take
 * the database's CPU while it catches up.
 */
async function replicaMetrics(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = { stored: 0, backlogRows: 0, unacked: 0 };
  for (const line of text.split('\n')) {
    const value = Number(line.split(' ').at(-1));
    const table = /^solarhub_history_rows_total\{.*table="(\w+)"/.exec(line)?.[1];
    if (table && MESSAGE_ENTITIES.includes(table)) out.stored += value;
    else if (/^solarhub_ingest_backlog_rows[ {]/.test(line)) out.backlogRows = value;
    else if (/^solarhub_ingest_unacked_messages[ {]/.test(line)) out.unacked = value;
  }
  return out;
}

/** Busy and iowait jiffies of the whole machine (all cores). */
function machineCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { total, idle: f[3], iowait: f[4] };
}

function mariadbPid(url) {
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) return null;
  const out = spawnSync('pidof', ['mariadbd']).stdout?.toString().trim();
  return out ? Number(out.split(' ')[0]) : null;
}

const pct = (seconds, wallS) => Math.round((seconds / wallS) * 100);

async function run() {
  const rates = values.rates.split(',').map(Number);
  const durationS = Number(values.duration);
  const replicas = Number(values.replicas);
  const waitS = Number(values.wait);
  const mysqlUrl = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root:@127.0.0.1:3306/test');
  const db = `bench_ingest_${process.pid}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-bench-'));
  const admin = await mysql.createConnection({
    host: mysqlUrl.hostname,
    port: Number(mysqlUrl.port || 3306),
    user: mysqlUrl.username,
    password: mysqlUrl.password,
  });
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
  const [[innodb]] = await admin.query(
    'SELECT @@innodb_flush_log_at_trx_commit AS flushLogAtTrxCommit, @@innodb_buffer_pool_size DIV 1048576 AS bufferPoolMb',
  );
  const { broker, url: brokerUrl } = await startBroker(dir, Number(values['broker-port']));
  const dbPid = mariadbPid(mysqlUrl);
  const servers = [];
  const children = [];
  const report = [];
  try {
    const templates = await samplePayloads(brokerUrl, dir);
    const dbUrl = `mysql://${mysqlUrl.username}:${mysqlUrl.password}@${mysqlUrl.host}/${db}`;
    const ports = Array.from({ length: replicas }, (_, r) => Number(values.port) + r);
    for (let r = 0; r < replicas; r++) {
      servers.push(
        await startApp('solarhub-api', ports[r], [], {
          MQTT_URL: brokerUrl,
          DATABASE_URL: dbUrl,
          INGEST_CLIENT_ID: `bench-ingest-${process.pid}-${r}`,
          INGEST_SHARED_GROUP: `bench-${process.pid}`,
          INGEST_SESSION_EXPIRY_S: '60',
          BESS_NUMBER: '12',
          ...(values['receive-maximum'] ? { INGEST_RECEIVE_MAXIMUM: values['receive-maximum'] } : {}),
        }),
      );
    }
    const conn = await mysql.createConnection(dbUrl);
    const plain = await startRole('plain', brokerUrl);
    children.push(plain);
    const publisher = await startRole('publisher', brokerUrl);
    children.push(publisher);
    publisher.child.send({ cmd: 'setup', templates, deviceCount: Number(values.devices) });
    const metricsOf = async () => {
      const all = await Promise.all(ports.map(replicaMetrics));
      return { stored: all.reduce((a, m) => a + m.stored, 0), each: all };
    };
    await sleep(500);
    for (const rate of rates) {
      const exactBefore = await storedCount(conn);
      const m0 = await metricsOf();
      const pub0 = publisher.latest;
      const plain0 = plain.latest.delivered ?? 0;
      const procs = {
        solarhub: servers.map((s) => s.pid),
        mosquitto: [broker.pid],
        mariadbd: dbPid ? [dbPid] : [],
        publisher: [publisher.child.pid],
        plainSubscriber: [plain.child.pid],
      };
      const cpuNow = () => Object.fromEntries(Object.entries(procs).map(([k, pids]) => [k, pids.map(cpuSeconds)]));
      const cpu0 = cpuNow();
      const mc0 = machineCpu();
      const peak = { backlogRows: ports.map(() => 0), unacked: ports.map(() => 0) };
      const t0 = Date.now();
      const stopped = publisher.next('stopped');
      publisher.child.send({ cmd: 'run', rate, durationS });
      let done = null;
      void stopped.then((m) => (done = m));
      const storedDuring = [];
      while (!done) {
        await sleep(1000);
        const m = await metricsOf();
        m.each.forEach((e, i) => {
          peak.backlogRows[i] = Math.max(peak.backlogRows[i], e.backlogRows);
          peak.unacked[i] = Math.max(peak.unacked[i], e.unacked);
        });
        storedDuring.push(m.stored - m0.stored);
      }
      const stopAt = Date.now();
      const wallS = (stopAt - t0) / 1000;
      const cpu1 = cpuNow();
      const mc1 = machineCpu();
      const load1m = Math.round(loadavg()[0] * 10) / 10;
      const published = done.published - (pub0.published ?? 0);
      // After the stop: when the broker had acknowledged every message, when the plain subscriber
      // had them all, when solarhub-api had stored them all.
      const since = () => Math.round((Date.now() - stopAt) / 100) / 10;
      const caughtUp = { brokerAckedS: null, plainS: null, storedS: null };
      let last = { acked: 0, plain: 0, stored: 0 };
      while (Date.now() - stopAt < waitS * 1000) {
        const m = await metricsOf();
        last = {
          acked: publisher.latest.acked - (pub0.acked ?? 0),
          plain: (plain.latest.delivered ?? 0) - plain0,
          stored: m.stored - m0.stored,
        };
        if (caughtUp.brokerAckedS === null && last.acked >= published) caughtUp.brokerAckedS = since();
        if (caughtUp.plainS === null && last.plain >= published) caughtUp.plainS = since();
        if (caughtUp.storedS === null && last.stored >= published) caughtUp.storedS = since();
        if (caughtUp.brokerAckedS !== null && caughtUp.plainS !== null && caughtUp.storedS !== null) break;
        await sleep(250);
      }
      const stored = (await storedCount(conn)) - exactBefore;
      const windowCpu = Object.fromEntries(
        Object.entries(cpu1).map(([k, v]) => [k, v.map((s, i) => pct(s - cpu0[k][i], wallS))]),
      );
      const busy = mc1.total - mc0.total - (mc1.idle - mc0.idle) - (mc1.iowait - mc0.iowait);
      report.push({
        ratePerS: rate,
        published,
        // Messages the publisher could not send in time, the broker not taking them fast enough.
        publisherBehindAtStop: done.behind,
        acceptedByBroker: last.acked,
        refusedByBroker: publisher.latest.failed - (pub0.failed ?? 0),
        bytesPerMessage: Math.round((publisher.latest.bytes - (pub0.bytes ?? 0)) / published),
        deliveredToPlainSubscriber: last.plain,
        stored,
        lostPct: Math.round((1 - stored / published) * 10000) / 100,
        // Seconds after the publisher stopped; null: not within --wait.
        catchUpAfterStopS: {
          brokerAckedAll: caughtUp.brokerAckedS,
          plainSubscriber: caughtUp.plainS,
          stored: caughtUp.storedS,
        },
        storedPerSDuringRun: Math.round((storedDuring.at(-1) ?? 0) / wallS),
        peakBacklogRows: peak.backlogRows,
        peakUnackedMessages: peak.unacked,
        cpuPctOfOneCore: windowCpu,
        machineBusyPctOfAllCores: Math.round((busy / (mc1.total - mc0.total)) * 100),
        machineIowaitPct: Math.round(((mc1.iowait - mc0.iowait) / (mc1.total - mc0.total)) * 100),
        solarhubRssMb: servers.map((s) => Math.round(rssMb(s.pid))),
        machineLoad1m: load1m,
      });
      console.error(JSON.stringify(report.at(-1)));
    }
    await conn.end();
    console.log(
      JSON.stringify(
        {
          bench: 'solarhub-api telemetry ingestion (MariaDB, QoS 1, default asset mix)',
          replicas,
          durationS,
          receiveMaximum: values['receive-maximum'] ?? 'default',
          innodb,
          rows_per_message: 'about 4 (BESS 13, PCS 1, meter 1, inverter 1)',
          note: 'mariadbd CPU includes whatever else uses the same server',
          runs: report,
          targets: { oneReplicaPerS: '>= 10000 with 0 lost and lag < 5 s', twoReplicasPerS: '>= 15000' },
        },
        null,
        2,
      ),
    );
  } finally {
    for (const c of children) {
      c.child.send({ cmd: 'exit' });
      await new Promise((r) => c.child.once('exit', r));
    }
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

const main = { main: run, publisher: publisherRole, plain: plainRole }[values.role];
main().catch((error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
