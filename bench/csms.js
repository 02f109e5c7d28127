#!/usr/bin/env node
// Load on one ocpp-csms process: N charge points (real OCPP 1.6-J clients, ocpp-rpc) connected
// from this process, each sending Heartbeat every 30 s and MeterValues every 10 s during an
// active transaction; prints the p50/p99 round trip of those calls and the CSMS's RSS. Then
// SetChargingProfile to 1,000 of them over REST, concurrently, and the wall time it took: a first
// burst on a CSMS that has never served one (its code paths not yet optimised by V8), then more
// bursts a second apart, each replacing the profile before, as a tariff or a site limit changes.
// Targets: 5,000 stations, p99 < 50 ms, RSS < 1 GiB; 1,000 profiles in < 2 s.
//   node bench/csms.js [--stations 5000] [--duration 60] [--profiles 1000] [--bursts 4]
// Needs `npm run build`. Uses a fresh SQLite file.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { Buffer } = require('node:buffer');
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { RPCClient } = require('ocpp-rpc');
const { benchAuth, rssMb, startApp } = require('./lib');

// The REST client an operator's automation would be: 64 keep-alive connections, not one socket per call.
const restAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const operator = benchAuth('operator');
function postJson(url, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: restAgent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...operator },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const { values } = parseArgs({
  options: {
    stations: { type: 'string', default: '5000' },
    duration: { type: 'string', default: '60' },
    profiles: { type: 'string', default: '1000' },
    bursts: { type: 'string', default: '4' },
    port: { type: 'string', default: '18892' },
    'ocpp-port': { type: 'string', default: '19000' },
  },
});
const n = Number(values.stations);
const durationS = Number(values.duration);
const port = Number(values.port);
const ocppPort = Number(values['ocpp-port']);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (value) => (value === undefined ? null : +value.toFixed(2));

/** SetChargingProfile to every target at once over REST: wall time and when the answers came. */
async function profileBurst(targets, chargingProfileId) {
  const p0 = Date.now();
  const done = [];
  const results = await Promise.all(
    targets.map((id) =>
      postJson(`http://127.0.0.1:${port}/stations/${id}/charging_profile`, {
        connector_id: 0,
        profile: {
          chargingProfileId,
          stackLevel: 0,
          chargingProfilePurpose: 'ChargePointMaxProfile',
          chargingProfileKind: 'Absolute',
          chargingSchedule: {
            chargingRateUnit: 'W',
            startSchedule: new Date().toISOString(),
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 - (chargingProfileId % 50) * 100 }],
          },
        },
      }).then((body) => {
        done.push(Date.now() - p0);
        return body;
      }),
    ),
  );
  return {
    wallS: (Date.now() - p0) / 1000,
    accepted: results.filter((r) => r.status === 'success').length,
    answeredAfterMs: { first: done[0], p50: pct(done, 50), p90: pct(done, 90), last: done.at(-1) },
  };
}

async function connectAll() {
  const clients = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const client = new RPCClient({
        endpoint: `ws://127.0.0.1:${ocppPort}`,
        identity: `BENCH-${i}`,
        protocols: ['ocpp1.6'],
        strictMode: true,
        reconnect: false,
        callTimeoutMs: 30_000,
      });
      client.handle('GetConfiguration', async () => ({
        configurationKey: [
          { key: 'SupportedFeatureProfiles', readonly: true, value: 'Core,SmartCharging' },
          { key: 'NumberOfConnectors', readonly: true, value: '1' },
        ],
      }));
      client.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
      await client.connect();
      await client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'B1' });
      const tx = await client.call('StartTransaction', {
        connectorId: 1,
        idTag: 'BENCH',
        meterStart: 0,
        timestamp: new Date().toISOString(),
      });
      clients.push({ client, transactionId: tx.transactionId, meterWh: 0 });
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return clients;
}

async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'csms-bench-'));
  const server = await startApp('ocpp-csms', port, [], {
    OCPP_PORT: String(ocppPort),
    DATABASE_URL: `sqlite:${path.join(dir, 'csms.sqlite')}`,
    NODE_ENV: 'development',
  });
  const timers = [];
  try {
    const t0 = Date.now();
    const clients = await connectAll();
    const connectS = (Date.now() - t0) / 1000;
    const latencies = [];
    let failures = 0;
    const timed = async (fn) => {
      const start = process.hrtime.bigint();
      try {
        await fn();
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      } catch {
        failures++;
      }
    };
    // Each station on its own schedule, spread over the period, as a real fleet would be.
    for (const c of clients) {
      timers.push(
        setTimeout(
          () => timers.push(setInterval(() => void timed(() => c.client.call('Heartbeat', {})), 30_000)),
          Math.random() * 30_000,
        ),
      );
      timers.push(
        setTimeout(
          () =>
            timers.push(
              setInterval(() => {
                c.meterWh += 20;
                void timed(() =>
                  c.client.call('MeterValues', {
                    connectorId: 1,
                    transactionId: c.transactionId,
                    meterValue: [
                      {
                        timestamp: new Date().toISOString(),
                        sampledValue: [
                          { value: String(c.meterWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
                          { value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
                        ],
                      },
                    ],
                  }),
                );
              }, 10_000),
            ),
          Math.random() * 10_000,
        ),
      );
    }
    await new Promise((r) => setTimeout(r, durationS * 1000));
    const rss = rssMb(server.pid);
    const sorted = [...latencies].sort((a, b) => a - b);
    // SetChargingProfile to many stations through the REST API, all at once, in bursts a second apart.
    const targets = clients.slice(0, Math.min(Number(values.profiles), clients.length)).map((_, i) => `BENCH-${i}`);
    const bursts = [];
    for (let b = 0; b < Math.max(1, Number(values.bursts)); b++) {
      if (b > 0) await new Promise((r) => setTimeout(r, 1000));
      bursts.push(await profileBurst(targets, b + 1));
    }
    const later = bursts
      .slice(1)
      .map((b) => b.wallS)
      .sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          bench: 'ocpp-csms',
          stations: clients.length,
          connectAndBootS: connectS,
          durationS,
          calls: latencies.length,
          callFailures: failures,
          roundTripMs: { p50: ms(pct(sorted, 50)), p99: ms(pct(sorted, 99)), max: ms(sorted.at(-1)) },
          csmsRssMb: Math.round(rss),
          setChargingProfile: {
            stations: targets.length,
            firstBurstS: bursts[0].wallS,
            laterBurstsMedianS: later.length > 0 ? later[Math.floor((later.length - 1) / 2)] : null,
            bursts,
          },
          targets: { stations: 5000, p99Ms: '< 50', rssMb: '< 1024', profiles1000S: '< 2' },
        },
        null,
        2,
      ),
    );
    for (const c of clients) c.client.close({ force: true });
  } finally {
    for (const t of timers) clearTimeout(t);
    const stopped = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await stopped;
    rmSync(dir, { recursive: true, force: true });
  }
}

run().then(
  () => process.exit(0),
  (error) => {
    console.error(error.message);
    process.exit(1);
  },
);
