#!/usr/bin/env node
// gridpilot-optimizer's compute path, timed: the forecast (ensemble + backtest on 14 days of
// prices), the optimization (MPC LP of 288 five-minute steps through HiGHS, then the auction),
// the VCG auction alone with 200 bidders, and the full cycle (refresh → forecast → optimize →
// dispatch to a real plant-simulator and the bus). Prints median and p95 of each.
// Targets on this machine: forecast < 300 ms, optimize < 150 ms, full cycle < 500 ms.
//   node bench/gridpilot.js [--runs 30]      (needs `npm run build`; MQTT at BENCH_MQTT_URL, default mqtt://127.0.0.1:1883)
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { performance } = require('node:perf_hooks');
const { transformSync } = require('@swc/core');
const { benchAuth, startApp } = require('./lib');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const TOKEN = 'bench-plant-token-0123456789abcdef';
const PLANT_PORT = 18890;
const PORT = 18801;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function summary(name, samples, target) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = pct(sorted, 50);
  const p95 = pct(sorted, 95);
  const verdict =
    target === undefined ? '' : p95 < target ? `  (target < ${target} ms: met)` : `  (target < ${target} ms: MISSED)`;
  console.log(
    `${name.padEnd(34)} median ${median.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms${verdict}`,
  );
}

async function post(url, body) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...benchAuth('operator') },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return { ms: performance.now() - started, json };
}

/** libs/power's auction, compiled from its TypeScript source (it has no imports). */
function loadAuction() {
  const source = readFileSync(path.join(__dirname, '..', 'libs/power/src/auction.ts'), 'utf8');
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const module = { exports: {} };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports.vcgAuction;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridpilot-bench-'));
  const children = [];
  try {
    children.push(
      await startApp('plant-simulator', PLANT_PORT, [], {
        PLANT_TOKEN: TOKEN,
        INTERVAL_S: '1',
        GEN_MIN_MW: '0.2',
        GEN_MAX_MW: '0.45',
      }),
    );
    children.push(
      await startApp('gridpilot-optimizer', PORT, [], {
        DATABASE_URL: `sqlite:${path.join(dir, 'gridpilot.sqlite')}`,
        MQTT_URL: process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
        PLANT_URL: `http://127.0.0.1:${PLANT_PORT}`,
        PLANT_TOKEN: TOKEN,
        PRICE_BACKFILL_DAYS: '14',
        CONTROL_LOOP: 'false',
      }),
    );
    const base = `http://127.0.0.1:${PORT}/api/v1`;
    for (let i = 0; i < 100; i++) {
      const prices = await (await fetch(`${base}/data/prices?hours_back=24`, { headers: benchAuth('viewer') })).json();
      if (prices.metadata.total_records > 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Warm-up: JIT and the HiGHS runtime.
    for (let i = 0; i < 3; i++) await post(`${base}/optimization/allocate`, {});
    console.log(`gridpilot-optimizer, ${runs} runs each, wall time per HTTP call (server-side figure in brackets)\n`);

    const forecast = [];
    const forecastModel = [];
    for (let i = 0; i < runs; i++) {
      // A different horizon each time, so no cached forecast is served.
      const { ms, json } = await post(`${base}/ml/forecast`, { periods: 24 + (i % 2) });
      forecast.push(ms);
      forecastModel.push(json.performance_metrics.model_time_ms);
    }
    summary('forecast (24 h, backtest of 5 days)', forecast, 300);
    summary('  [ensemble + backtest compute]', forecastModel);

    const optimize = [];
    const lp = [];
    for (let i = 0; i < runs; i++) {
      const { ms, json } = await post(`${base}/optimization/allocate`, { forecast_periods: 24, risk_aversion: 0.5 });
      optimize.push(ms);
      lp.push(json.mpc.build_time_ms + json.mpc.solve_time_ms);
      if (json.mpc.steps !== 288) throw new Error(`expected 288 steps, got ${json.mpc.steps}`);
    }
    summary('optimize (MPC 288 steps + auction)', optimize, 150);
    summary('  [LP build + HiGHS solve]', lp);

    const vcgAuction = loadAuction();
    const bids = Array.from({ length: 200 }, (_, i) => ({
      bidder: `load-${i}`,
      blocks: [
        { quantity: 5 + (i % 7), price: 150 - (i % 50) },
        { quantity: 5 + (i % 5), price: 90 - (i % 40) },
        { quantity: 10, price: 30 - (i % 20) },
      ],
    }));
    const auction = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      vcgAuction(1500, bids);
      auction.push(performance.now() - started);
    }
    summary('auction (200 bidders, 600 blocks)', auction);

    const cycle = [];
    let statuses = new Set();
    for (let i = 0; i < runs; i++) {
      const { ms, json } = await post(`http://127.0.0.1:${PORT}/api/v1/system/run-full-cycle`, { simulate: false });
      cycle.push(ms);
      statuses.add(json.cycle_result.dispatch.status);
    }
    summary('full cycle (with dispatch)', cycle, 500);
    console.log(`\ndispatch statuses seen: ${[...statuses].join(', ')}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
