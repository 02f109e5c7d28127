#!/usr/bin/env node
// Loads GET /data/latest of the built plant-simulator (npm run build first) and prints
// requests/s and latency percentiles. The server runs in its own process, as in production.
// Target on a 2-core machine: >= 15,000 requests/s with p99 < 10 ms.
//   node bench/plant-simulator.js [--connections 64] [--duration 15]
const { parseArgs } = require('node:util');
const { load, startApp } = require('./lib');

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '15' },
    port: { type: 'string', default: '18890' },
  },
});
const token = 'bench-token-0123456789abcdef';

async function run() {
  const port = Number(values.port);
  const server = await startApp('plant-simulator', port, ['--token', token, '--interval', '1'], {
    NODE_ENV: 'production',
  });
  try {
    const figures = await load({
      url: `http://127.0.0.1:${port}/data/latest?plant_id=complexo-paranhos`,
      headers: { authorization: `Bearer ${token}` },
      connections: Number(values.connections),
      durationS: Number(values.duration),
    });
    console.log(
      JSON.stringify(
        {
          bench: 'plant-simulator GET /data/latest',
          connections: Number(values.connections),
          durationS: Number(values.duration),
          ...figures,
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
