#!/usr/bin/env node
// What the site's access control costs: GET /data/latest of the built plant-simulator (the fastest
// route of the platform, so the guard's share is largest) loaded three ways on the same run, each
// on a fresh server: AUTH_DISABLED=true, a site access token (JWT, checked by the shared guard),
// and the plant's own document token. Target: the JWT run within 10 % of the run without auth.
//   npm run build && node bench/auth.js [--connections 64] [--duration 15] [--rounds 2]
const { parseArgs } = require('node:util');
const { benchToken, load, startApp } = require('./lib');

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '2' },
    port: { type: 'string', default: '18895' },
  },
});
const plantToken = 'bench-plant-token-0123456789abcdef';
const MODES = {
  'no auth (AUTH_DISABLED=true)': { env: { AUTH_DISABLED: 'true' }, header: null },
  'site JWT (viewer)': { env: {}, header: `Bearer ${benchToken('viewer')}` },
  'plant document token': { env: {}, header: `Bearer ${plantToken}` },
};

async function measure(env, header) {
  const port = Number(values.port);
  const server = await startApp('plant-simulator', port, ['--token', plantToken, '--interval', '1'], {
    NODE_ENV: 'development',
    ...env,
  });
  try {
    return await load({
      url: `http://127.0.0.1:${port}/data/latest?plant_id=complexo-paranhos`,
      headers: header ? { authorization: header } : {},
      connections: Number(values.connections),
      durationS: Number(values.duration),
    });
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

async function run() {
  const results = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
  // Interleaved rounds, so a noisy moment of the machine does not land on one mode only.
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [mode, { env, header }] of Object.entries(MODES)) results[mode].push(await measure(env, header));
  }
  const best = (runs) => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
  const base = best(results['no auth (AUTH_DISABLED=true)']).requestsPerSecond;
  const report = Object.fromEntries(
    Object.entries(results).map(([mode, runs]) => {
      const top = best(runs);
      return [
        mode,
        {
          requestsPerSecond: runs.map((r) => r.requestsPerSecond),
          latencyMs: top.latencyMs,
          failed: runs.reduce((n, r) => n + r.failed, 0),
          vsNoAuthPct: Math.round((top.requestsPerSecond / base - 1) * 1000) / 10,
        },
      ];
    }),
  );
  console.log(
    JSON.stringify(
      {
        bench: 'access-control overhead, plant-simulator GET /data/latest',
        tool: results['site JWT (viewer)'][0].tool,
        connections: Number(values.connections),
        durationS: Number(values.duration),
        ...report,
        target: 'site JWT within 10 % of no auth (vsNoAuthPct > -10)',
      },
      null,
      2,
    ),
  );
}

run().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
