#!/usr/bin/env node
// Loads GET /data/latest of a built plant-simulator (npm run build first) and prints requests/s
// and latency percentiles. The server runs in its own process, as in production; the load
// generator (autocannon) in this one. Target on a 2-core machine: >= 15,000 req/s, p99 < 10 ms.
//   node bench/plant-simulator.js [--connections 64] [--duration 15]
const { spawn } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '15' },
    port: { type: 'string', default: '18890' },
  },
});
const port = Number(values.port);
const token = 'bench-token-0123456789abcdef';
const main = path.join(__dirname, '..', 'dist', 'apps', 'plant-simulator', 'main.js');

async function waitLive() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('plant-simulator did not start (did you run npm run build?)');
}

async function run() {
  const server = spawn(
    process.execPath,
    [main, '--port', String(port), '--host', '127.0.0.1', '--token', token, '--interval', '1'],
    {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  try {
    await waitLive();
    const opts = {
      url: `http://127.0.0.1:${port}/data/latest?plant_id=complexo-paranhos`,
      headers: { authorization: `Bearer ${token}` },
      connections: Number(values.connections),
    };
    await autocannon({ ...opts, duration: 3 }); // warm-up
    const result = await autocannon({ ...opts, duration: Number(values.duration) });
    const non2xx = result.non2xx + result.errors + result.timeouts;
    console.log(
      JSON.stringify(
        {
          bench: 'plant-simulator GET /data/latest',
          connections: opts.connections,
          durationS: Number(values.duration),
          requestsPerSecond: Math.round(result.requests.average),
          latencyMs: {
            p50: result.latency.p50,
            p90: result.latency.p90,
            p99: result.latency.p99,
            max: result.latency.max,
          },
          failed: non2xx,
          targets: { requestsPerSecond: '>= 15000', p99Ms: '< 10' },
        },
        null,
        2,
      ),
    );
  } finally {
    server.kill('SIGTERM');
  }
}

run().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
