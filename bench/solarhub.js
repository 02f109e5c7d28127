#!/usr/bin/env node
// Loads GET /api/v1/bess/1 and GET /api/v1/meters of the built solarhub-api (npm run build
// first) on this machine's MariaDB and Redis, and prints requests/s and latency percentiles per
// endpoint. History is seeded first (one day); the latest values come from Redis, which the
// script checks before loading. The server runs in its own process, as in production.
// Target on a 2-core machine: >= 8,000 requests/s with p99 < 20 ms.
//   node bench/solarhub.js [--connections 64] [--duration 15]
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { createConnection } = require('mysql2/promise');
const { load, startApp } = require('./lib');

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '15' },
    port: { type: 'string', default: '18800' },
    mysql: { type: 'string', default: process.env.BENCH_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306' },
    redis: { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/11' },
  },
});
const DB = 'solarhub_bench';

async function run() {
  const admin = await createConnection({ uri: values.mysql });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: `${values.mysql}/${DB}`,
    REDIS_URL: values.redis,
    JWT_SECRET_KEY: 'bench-jwt-secret-0123456789abcdef',
    ADMIN_PASSWORD: 'bench-admin-password',
    LOG_LEVEL: 'warn',
  };
  const seed = spawnSync(
    process.execPath,
    [path.join(__dirname, '../dist/apps/solarhub-api/main.js'), 'seed', '--days', '1'],
    {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    },
  );
  if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
  const port = Number(values.port);
  const server = await startApp('solarhub-api', port, [], env);
  const results = [];
  try {
    for (const endpoint of ['/api/v1/bess/1', '/api/v1/meters']) {
      const url = `http://127.0.0.1:${port}${endpoint}`;
      const probe = await (await fetch(url)).json();
      if (probe.source !== 'redis') throw new Error(`${endpoint} is not served from Redis: ${JSON.stringify(probe)}`);
      const figures = await load({ url, connections: Number(values.connections), durationS: Number(values.duration) });
      results.push({ endpoint, source: probe.source, ...figures });
    }
    console.log(
      JSON.stringify(
        {
          bench: 'solarhub-api latest values',
          connections: Number(values.connections),
          durationS: Number(values.duration),
          results,
          targets: { requestsPerSecond: '>= 8000', p99Ms: '< 20' },
        },
        null,
        2,
      ),
    );
  } finally {
    server.kill('SIGTERM');
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.end();
  }
}

run().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
