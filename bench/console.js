#!/usr/bin/env node
/* global document, performance, requestAnimationFrame, sessionStorage */
// The operator console's figures (issue 18), on the whole platform as `npm start` runs it:
//   1. initial JavaScript, gzipped: what the browser must fetch before the first page (target ≤ 250 kB);
//   2. time from navigation to the site page showing live values, on loopback (target ≤ 1.5 s);
//   3. frames per second on the charging page while STATIONS charge points (default 5,000, real
//      OCPP 1.6-J clients) send meter values and the table scrolls (target ≥ 50);
//   4. the site-limit preview over every open session (one per station): the time from typing a
//      limit to each session's fair share in the list, and from typing a station id into the
//      session filter to that session's row (the last ones, far past any first page).
// Uses Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core.
// Settings: STATIONS (5000), METER_INTERVAL_S (10), RUNS (5), PORT_OFFSET (0: the ports below; another
// offset moves them all, for a second checkout benching on the same machine).
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, readdirSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { gzipSync } = require('node:zlib');
const { RPCClient } = require('ocpp-rpc');
const { chromium } = require('playwright-core');

const ROOT = path.join(__dirname, '..');
const WEB = path.join(ROOT, 'dist/apps/console/web');
const STATIONS = Number(process.env.STATIONS ?? 5000);
const METER_INTERVAL_S = Number(process.env.METER_INTERVAL_S ?? 10);
const RUNS = Number(process.env.RUNS ?? 5);
const PORT_OFFSET = Number(process.env.PORT_OFFSET ?? 0);
const PORTS = Object.fromEntries(
  Object.entries({
    CONSOLE_PORT: 13000,
    SOLARHUB_API_PORT: 18000,
    GRIDPILOT_OPTIMIZER_PORT: 18001,
    OCPP_CSMS_PORT: 18002,
    PLANT_SIMULATOR_PORT: 18090,
    IOT_MOCK_PORT: 18091,
    OCPP_PORT: 19000,
  }).map(([name, port]) => [name, port + PORT_OFFSET]),
);
const BASE = `http://127.0.0.1:${PORTS.CONSOLE_PORT}`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The scripts and preloads index.html makes the browser fetch before it can draw anything. */
function initialJavaScript() {
  const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  let raw = 0;
  let gzipped = 0;
  for (const file of files) {
    const body = readFileSync(path.join(WEB, file));
    raw += body.length;
    gzipped += gzipSync(body, { level: 9 }).length;
  }
  const lazy = readdirSync(path.join(WEB, 'assets')).filter((f) => f.endsWith('.js') && !files.includes(`assets/${f}`));
  return { files: files.length, rawKb: raw / 1024, gzipKb: gzipped / 1024, lazyChunks: lazy.length };
}

async function startPlatform() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-console-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/platform.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(PORTS).map(([k, v]) => [k, String(v)])),
      PLATFORM_DATA_DIR: dataDir,
      PLATFORM_SEED_DAYS: '1',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('[platform] ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the platform exited (${code}) before it was ready:\n${out.slice(-2000)}`)),
    );
  });
  return child;
}

async function login() {
  const res = await fetch(`${BASE}/api/solarhub/api/v1/auth/login/json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: process.env.ADMIN_USERNAME || 'admin',
      password: process.env.ADMIN_PASSWORD || 'secret',
    }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return res.json();
}

/** Navigation to the site page (signed in) until the plant's generation shows a value. */
async function timeToLiveValues(browser, tokens) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript((pair) => sessionStorage.setItem('console.session', JSON.stringify(pair)), tokens);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${BASE}/site`);
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="site-generation"]');
      return el !== null && /\d/.test(el.textContent ?? '');
    });
    times.push(Date.now() - started);
    await context.close();
  }
  return times;
}

async function connectStations() {
  const clients = [];
  const batch = 200;
  for (let start = 0; start < STATIONS; start += batch) {
    const group = [];
    for (let i = start; i < Math.min(start + batch, STATIONS); i++) {
      group.push(
        (async () => {
          const client = new RPCClient({
            endpoint: `ws://127.0.0.1:${PORTS.OCPP_PORT}`,
            identity: `BENCH-${String(i).padStart(5, '0')}`,
            protocols: ['ocpp1.6'],
            reconnect: false,
          });
          client.handle(() => ({ status: 'Accepted' }));
          await client.connect();
          await client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'B-22' });
          await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
          const { transactionId } = await client.call('StartTransaction', {
            connectorId: 1,
            idTag: `TAG${i}`,
            meterStart: 0,
            timestamp: new Date().toISOString(),
          });
          clients.push({ client, id: `BENCH-${String(i).padStart(5, '0')}`, transactionId, energy: 0 });
        })(),
      );
    }
    await Promise.all(group);
  }
  return clients;
}

/** Every station sends MeterValues every METER_INTERVAL_S, spread evenly over the interval. */
function streamMeterValues(clients) {
  let next = 0;
  const perTick = Math.max(1, Math.round(clients.length / (METER_INTERVAL_S * 10)));
  const timer = setInterval(() => {
    for (let k = 0; k < perTick; k++) {
      const station = clients[next++ % clients.length];
      const watts = 3000 + Math.round(Math.random() * 8000);
      station.energy += (watts * METER_INTERVAL_S) / 3600;
      void station.client
        .call('MeterValues', {
          connectorId: 1,
          transactionId: station.transactionId,
          meterValue: [
            {
              timestamp: new Date().toISOString(),
              sampledValue: [
                { value: String(watts), measurand: 'Power.Active.Import', unit: 'W' },
                { value: String(Math.round(station.energy)), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
              ],
            },
          ],
        })
        .catch(() => undefined);
    }
  }, 100);
  return () => clearInterval(timer);
}

/** Frames per second over 5 s on the charging page while its table scrolls down and up. */
async function chargingFps(browser, tokens) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((pair) => sessionStorage.setItem('console.session', JSON.stringify(pair)), tokens);
  const page = await context.newPage();
  await page.goto(`${BASE}/charging`);
  await page.waitForSelector('[data-testid^="station-row-"]', { timeout: 60_000 });
  await page.waitForTimeout(2000);
  const result = await page.evaluate(async () => {
    const row = document.querySelector('[data-testid^="station-row-"]');
    let scroller = row;
    while (scroller && scroller !== document.body && scroller.scrollHeight <= scroller.clientHeight + 1) {
      scroller = scroller.parentElement;
    }
    const target = scroller && scroller !== document.body ? scroller : document.scrollingElement;
    let frames = 0;
    let worst = 0;
    let last = performance.now();
    const start = last;
    await new Promise((resolve) => {
      const tick = (now) => {
        frames += 1;
        worst = Math.max(worst, now - last);
        last = now;
        const t = (now - start) / 5000;
        target.scrollTop = (t < 0.5 ? t * 2 : 2 - t * 2) * (target.scrollHeight - target.clientHeight);
        if (now - start < 5000) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    const rows = document.querySelectorAll('[data-testid^="station-row-"]').length;
    return { fps: frames / ((last - start) / 1000), worstFrameMs: worst, renderedRows: rows };
  });
  await context.close();
  return result;
}

/** The site-limit card with every station charging: the preview of a typed limit, then one session found by its station. */
async function sharePreview(browser, tokens, clients) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((pair) => sessionStorage.setItem('console.session', JSON.stringify(pair)), tokens);
  const page = await context.newPage();
  await page.goto(`${BASE}/charging`);
  // Every open session read (ocpp-csms pages them by 1,000): the count names at least the bench's.
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="share-count"]')?.textContent?.split(' ')[0]) >= n,
    clients.length,
    { timeout: 60_000 },
  );
  const sessions = Number((await page.getByTestId('share-count').textContent()).split(' ')[0]);
  const limitKw = Math.round(clients.length * 3);
  const typed = Date.now();
  await page.getByLabel('Site charging limit (kW)').fill(String(limitKw));
  await page.waitForFunction(() => {
    const header = [...document.querySelectorAll('th')].some((th) => th.textContent === 'Would get');
    const cell = document.querySelector('[data-testid^="share-row-"] td:nth-child(4)');
    return header && /W$/.test(cell?.textContent ?? '');
  });
  const previewMs = Date.now() - typed;
  const last = clients[clients.length - 1].id;
  const searched = Date.now();
  await page.getByLabel('Find a session').fill(last);
  await page.waitForSelector(`[data-testid="share-row-${last}-1"] td:nth-child(4)`, { timeout: 10_000 });
  const findMs = Date.now() - searched;
  const share = await page.locator(`[data-testid="share-row-${last}-1"] td:nth-child(4)`).textContent();
  await page.getByLabel('Find a session').fill('');
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="share-count"]')?.textContent === `${n} sessions`,
    sessions,
  );
  const rows = await page.locator('[data-testid^="share-row-"]').count();
  await context.close();
  return { sessions, limitKw, previewMs, findMs, last, share, rows };
}

async function main() {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { stdio: 'inherit', cwd: ROOT });
  if (built.status !== 0) process.exit(1);
  const js = initialJavaScript();
  console.log(
    `initial JavaScript: ${js.gzipKb.toFixed(1)} kB gzipped (${js.rawKb.toFixed(0)} kB raw, ${js.files} file(s); ${js.lazyChunks} page chunks load on demand) — target ≤ 250 kB`,
  );
  const platform = await startPlatform();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  let stopStream = () => undefined;
  let clients = [];
  try {
    const tokens = await login();
    const times = await timeToLiveValues(browser, tokens);
    console.log(
      `navigation → site page with live values: median ${median(times)} ms, worst ${Math.max(...times)} ms over ${RUNS} loads — target ≤ 1,500 ms`,
    );
    if (STATIONS === 0) return;
    const t0 = Date.now();
    clients = await connectStations();
    console.log(`${clients.length} charge points connected and charging in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    stopStream = streamMeterValues(clients);
    const fps = await chargingFps(browser, tokens);
    console.log(
      `charging page with ${clients.length} stations streaming (${(clients.length / METER_INTERVAL_S).toFixed(0)} meter values/s): ${fps.fps.toFixed(1)} frames/s while scrolling, worst frame ${fps.worstFrameMs.toFixed(0)} ms, ${fps.renderedRows} rows in the DOM — target ≥ 50`,
    );
    const preview = await sharePreview(browser, tokens, clients);
    console.log(
      `site-limit preview over ${preview.sessions} open sessions: a typed limit of ${preview.limitKw} kW shared in ${preview.previewMs} ms; ${preview.last}'s session found by its id in ${preview.findMs} ms (200 ms of it the filter's debounce), its share ${preview.share}; ${preview.rows} share rows in the DOM`,
    );
  } finally {
    stopStream();
    await Promise.all(clients.map(({ client }) => client.close({ force: true }).catch(() => undefined)));
    await browser.close();
    platform.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
