#!/usr/bin/env node
// Failover of the site plan's leader: N ocpp-csms replicas (default 3) on MariaDB and Redis; the
// leader (found from /health/ready) is killed with SIGKILL and the time until a survivor reports
// itself leader is measured, polling every 20 ms; a fresh replica replaces the dead one and it is
// done again (--runs, default 5). With the defaults the lease lasts SITE_LEADER_LEASE_MS=5000 and
// is renewed (and tried by the others) every SITE_LEADER_RENEW_MS=1500: expect 3.5–6.5 s.
// Target: a new leader within 10 s.
//   node bench/csms-failover.js [--replicas 3] [--runs 5] [--lease-ms 5000] [--renew-ms 1500]
// Needs `npm run build`, MariaDB (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL).
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const mysql = require('mysql2/promise');
const { benchAuth, BENCH_JWT_SECRET } = require('./lib');

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '3' },
    runs: { type: 'string', default: '5' },
    'lease-ms': { type: 'string', default: '5000' },
    'renew-ms': { type: 'string', default: '1500' },
  },
});
const REPLICAS = Number(values.replicas);
const RUNS = Number(values.runs);
const mysqlUrl = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root:@127.0.0.1:3306/test');
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DB = `bench_failover_${process.pid}`;
const headers = benchAuth('viewer');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startReplica() {
  const [port, ocppPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'apps', 'ocpp-csms', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'error',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET_KEY: BENCH_JWT_SECRET,
      NODE_ENV: 'test',
      OCPP_PORT: String(ocppPort),
      DATABASE_URL: `mysql://${mysqlUrl.username}:${mysqlUrl.password}@${mysqlUrl.host}/${DB}`,
      REDIS_URL: redisUrl,
      CSMS_REDIS_PREFIX: `bench-failover-${process.pid}`,
      SITE_LEADER_LEASE_MS: values['lease-ms'],
      SITE_LEADER_RENEW_MS: values['renew-ms'],
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // Several replicas migrating one database at once: give them time.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`replica on ${port} not ready (run npm run build first)`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url };
}

async function role(replica) {
  try {
    const res = await fetch(`${replica.url}/health/ready`, { headers });
    const body = await res.json();
    return body.details?.site_leader?.role ?? null;
  } catch {
    return null;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const admin = await mysql.createConnection({
    host: mysqlUrl.hostname,
    port: Number(mysqlUrl.port || 3306),
    user: mysqlUrl.username,
    password: mysqlUrl.password,
  });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  const replicas = [];
  try {
    for (let i = 0; i < REPLICAS; i++) replicas.push(await startReplica());
    const times = [];
    for (let run = 1; run <= RUNS; run++) {
      let leader = null;
      const deadline = Date.now() + 30_000;
      while (!leader && Date.now() < deadline) {
        const roles = await Promise.all(replicas.map(role));
        leader = replicas[roles.indexOf('leader')] ?? null;
        if (!leader) await new Promise((r) => setTimeout(r, 100));
      }
      if (!leader) throw new Error('no leader among the replicas');
      // A moment into the renewal cycle at random, as a real crash would be.
      await new Promise((r) => setTimeout(r, Math.random() * Number(values['renew-ms'])));
      const exited = new Promise((resolve) => leader.child.once('exit', resolve));
      const killedAt = performance.now();
      leader.child.kill('SIGKILL');
      await exited;
      replicas.splice(replicas.indexOf(leader), 1);
      let tookMs = null;
      while (tookMs === null && performance.now() - killedAt < 60_000) {
        const roles = await Promise.all(replicas.map(role));
        if (roles.includes('leader')) tookMs = performance.now() - killedAt;
        else await new Promise((r) => setTimeout(r, 20));
      }
      if (tookMs === null) throw new Error(`run ${run}: no new leader within 60 s`);
      times.push(tookMs);
      console.log(`run ${run}: new leader ${(tookMs / 1000).toFixed(2)} s after SIGKILL`);
      replicas.push(await startReplica());
    }
    console.log(
      `leader death → new leader (${REPLICAS} replicas, lease ${values['lease-ms']} ms, renew ${values['renew-ms']} ms, ${RUNS} runs): ` +
        `median ${(median(times) / 1000).toFixed(2)} s, min ${(Math.min(...times) / 1000).toFixed(2)} s, max ${(Math.max(...times) / 1000).toFixed(2)} s`,
    );
  } finally {
    for (const r of replicas) r.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
