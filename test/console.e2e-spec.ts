import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConsoleConfig } from '../apps/console/src/console.config';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import { createConsoleApp } from '../apps/console/src/app.factory';
import { formatPowerMw } from '../apps/console/web/src/lib/units';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';
import { createIotMockApp } from '../apps/iot-mock/src/app.factory';
import { CentralSystemService } from '../apps/ocpp-csms/src/ocpp/central-system.service';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { createSolarhubApp } from '../apps/solarhub-api/src/app.factory';
import { testServices } from './services';
import { TestChargePoint } from './support/charge-point';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { ingestEnv, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

/**
 * The operator console in a real Chromium (Debian's package, driven by playwright-core) against the
 * real apps, broker and database: login, live values, actions that reach a charger, roles, an app
 * going away and coming back, console errors and an accessibility scan (axe-core) on every page.
 */
const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : join(ROOT, 'test-results/console');
const DBS = ['solarhub', 'iot', 'csms', 'gp'].map((d) => `console_${d}_${process.pid}`);
const PLANT_ID = `console-e2e-${process.pid}`;
const STATION = `CP-CONSOLE-${process.pid}`;
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Apps {
  solarhub: string;
  plant: string;
  csms: string;
  iot: string;
  gridpilot: string;
  console: string;
}

/** What went wrong on a page: script errors, console errors, server errors (an app answering 5xx). */
interface PageTrouble {
  errors: string[];
  serverErrors: string[];
}

function watch(page: Page): PageTrouble {
  const trouble: PageTrouble = { errors: [], serverErrors: [] };
  page.on('pageerror', (error) => trouble.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // The browser reports every 4xx as a console error; an answer the page handles (404 for a
    // device with no data yet, 403 for a viewer) is not a fault of the page. 5xx are counted below.
    if (
      message.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
    )
      trouble.errors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 500) trouble.serverErrors.push(`${response.status()} ${response.url()}`);
  });
  return trouble;
}

async function login(context: BrowserContext, url: string, username: string, password: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${url}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/site');
  return page;
}

/** axe-core's serious and critical violations on the page as it is now. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the console's CSP (script-src 'self') rightly refuses inline scripts.
  await page.evaluate(AXE);
  // Run in the page (a string: this file is compiled without the DOM's types).
  const violations = await page.evaluate<{ id: string; impact: string; targets: string[] }[]>(`(async () => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  })()`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.slice(0, 3).join(', ')}`);
}

describe('operator console in Chromium (real apps, MariaDB, Mosquitto)', () => {
  const started: NestFastifyApplication[] = [];
  let plantApp: NestFastifyApplication;
  let plantPort = 0;
  let urls: Apps;
  let browser: Browser;
  let admin: BrowserContext;
  let station: TestChargePoint;
  /** ocpp-csms's OCPP WebSocket URL (without a station id). */
  let ocppUrl = '';

  const env = (db: string): Record<string, string> => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MQTT_URL: testServices.mqttUrl,
    DATABASE_URL: mysqlDatabaseUrl(db),
  });
  const plantConfig = () =>
    loadPlantSimulatorConfig([], {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PLANT_ID,
      INTERVAL_S: '3600',
      MQTT_URL: testServices.mqttUrl,
    });

  async function start(create: () => Promise<NestFastifyApplication>): Promise<string> {
    const app = await create();
    started.push(app);
    return listenOnFreePort(app);
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    // The web app the console serves: built once, skipped when its sources have not changed.
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), 'console'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`building the console failed:\n${build.stdout}\n${build.stderr}`);
    mkdirSync(SHOTS, { recursive: true });
    for (const db of DBS) {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
      await mysqlAdmin(`CREATE DATABASE ${db}`);
    }
    const [solarhubDb, iotDb, csmsDb, gpDb] = DBS;
    plantApp = await createPlantSimulatorApp(plantConfig());
    const plant = await listenOnFreePort(plantApp);
    plantPort = Number(new URL(plant).port);
    const solarhub = await start(() => createSolarhubApp(loadSolarhubConfig({ ...env(solarhubDb), ...ingestEnv() })));
    const csmsApp = await createCsmsApp(loadOcppCsmsConfig({ ...env(csmsDb), OCPP_PORT: '0' }));
    started.push(csmsApp);
    const csms = await listenOnFreePort(csmsApp);
    const iot = await start(() =>
      createIotMockApp(loadIotMockConfig({ ...env(iotDb), DEFAULT_DEVICES: 'false', SIMULATION_AUTOSTART: 'false' })),
    );
    const gridpilot = await start(() =>
      createGridpilotApp(loadGridpilotConfig({ ...env(gpDb), CONTROL_LOOP: 'false', PLANT_URL: plant })),
    );
    const consoleUrl = await start(() =>
      createConsoleApp(
        loadConsoleConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          MQTT_URL: testServices.mqttUrl,
          SOLARHUB_API_URL: solarhub,
          GRIDPILOT_URL: gridpilot,
          CSMS_URL: csms,
          IOT_MOCK_URL: iot,
          PLANT_URL: plant,
          PLANT_ID,
          CONSOLE_WEB_DIR: join(ROOT, 'dist/apps/console/web'),
          CONSOLE_HEALTH_INTERVAL_MS: '500',
          CONSOLE_LIVE_FLUSH_MS: '250',
        }),
      ),
    );
    urls = { solarhub, plant, csms, iot, gridpilot, console: consoleUrl };
    for (const url of Object.values(urls)) {
      await eventually(
        () => http(`${url}/health/ready`),
        (r) => r.status === 200,
        30_000,
      );
    }
    // A charge point of the test's own (not iot-mock's): a plain OCPP 1.6-J client.
    ocppUrl = `ws://127.0.0.1:${csmsApp.get(CentralSystemService).port}`;
    station = await TestChargePoint.connect(ocppUrl, STATION, {
      connectors: 1,
    });
    await station.boot();
    await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    admin = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await station?.close();
    for (const app of started.reverse()) await app.close();
    await plantApp?.close();
    for (const db of DBS) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  }, 60_000);

  it("logs in and shows the plant's current generation as the plant's API reports it", async () => {
    const page = await login(admin, urls.console, 'admin', 'secret');
    const trouble = watch(page);
    const reading = await http<{ reading: { totals: { generation_mw: number } } }>(
      `${urls.plant}/data/latest?plant_id=${PLANT_ID}`,
    );
    const mw = reading.body.reading.totals.generation_mw;
    // Three significant digits in the unit its size calls for, as the page formats every power.
    const expected = formatPowerMw(mw);
    await page.getByTestId('site-generation').filter({ hasText: expected }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('site-generation').textContent()).toBe(expected);
    expect(trouble).toEqual({ errors: [], serverErrors: [] });
    await page.close();
  }, 60_000);

  it('serves the production build of the web app, whatever NODE_ENV the build ran under', async () => {
    // This suite runs with NODE_ENV=test; React's development variant (its warnings, twice the
    // size) must never be what the console serves.
    const html = await (await fetch(`${urls.console}/`)).text();
    const entry = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const bundle = await (await fetch(new URL(entry ?? '', urls.console))).text();
    expect(bundle.length).toBeGreaterThan(10_000);
    // (a boolean, so a failure does not print half a megabyte of bundle)
    expect({ entry, reactDevelopmentWarnings: bundle.includes('unique "key" prop') }).toEqual({
      entry,
      reactDevelopmentWarnings: false,
    });
  });

  it('starts a transaction on the charger from the station page (remote start, confirmed)', async () => {
    const page = await login(admin, urls.console, 'admin', 'secret');
    await page.goto(`${urls.console}/charging/${STATION}`);
    await page.getByRole('spinbutton', { name: 'Connector', exact: true }).fill('1');
    await page.getByRole('textbox', { name: 'Id tag', exact: true }).fill('TAG-CONSOLE');
    await page.getByRole('button', { name: 'Remote start' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remote start' }).click();
    const call = await eventually(
      () => Promise.resolve(station.received.find((r) => r.method === 'RemoteStartTransaction')),
      (r) => r !== undefined,
      10_000,
    );
    expect(call?.params).toMatchObject({ idTag: 'TAG-CONSOLE' });
    // The charger does what a real one does on an accepted remote start.
    await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    const transactionId = await station.startTransaction(1, 'TAG-CONSOLE');
    const detail = await eventually(
      () => http<{ connectors?: unknown }>(`${urls.csms}/stations/${STATION}`),
      (r) => JSON.stringify(r.body).includes(String(transactionId)),
      10_000,
    );
    expect(JSON.stringify(detail.body)).toContain(String(transactionId));
    await page.close();
  }, 60_000);

  it("shows a site limit set on the charging page in that station's composite schedule", async () => {
    const page = await login(admin, urls.console, 'admin', 'secret');
    await page.goto(`${urls.console}/charging`);
    await page.getByLabel('Site charging limit (kW)').fill('7');
    await page.getByRole('button', { name: 'Set limit' }).first().click();
    const dialog = page.getByRole('dialog');
    if (await dialog.isVisible()) await dialog.getByRole('button', { name: /Set limit/ }).click();
    await eventually(
      () => http<{ limit: number | null }>(`${urls.csms}/site/charging_limit`),
      (r) => r.body.limit === 7000,
      10_000,
    );
    // The session's share, found among all of them by its station; a station with none lists nothing.
    await page.getByLabel('Find a session').fill(STATION);
    await page.getByTestId(`share-row-${STATION}-1`).waitFor({ timeout: 10_000 });
    await page
      .getByTestId('share-count')
      .filter({ hasText: /^1 of \d+ sessions?$/ })
      .waitFor({ timeout: 5_000 });
    await page.getByLabel('Find a session').fill('no-such-station');
    await page
      .getByTestId('share-count')
      .filter({ hasText: /^0 of \d+ sessions?$/ })
      .waitFor({ timeout: 5_000 });
    await page.goto(`${urls.console}/charging/${STATION}`);
    await page.getByTestId('composite-limit').filter({ hasText: '7.00 kW' }).waitFor({ timeout: 20_000 });
    await page.close();
  }, 60_000);

  it('filters the station table on the CSMS: the text narrows the rows and the count', async () => {
    const page = await login(admin, urls.console, 'admin', 'secret');
    const trouble = watch(page);
    // Three more stations (registered, never connected) for the filter to leave out.
    for (const n of [1, 2, 3]) {
      const put = await http(`${urls.csms}/stations/CP-OTHER-${process.pid}-${n}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(put.status).toBe(200);
    }
    await page.goto(`${urls.console}/charging`);
    await page.getByTestId(`station-row-${STATION}`).waitFor();
    const all = await http<unknown[]>(`${urls.csms}/stations`);
    expect(all.body.length).toBeGreaterThanOrEqual(4);
    const count = page.getByTestId('station-count');
    await count.filter({ hasText: `${all.body.length} stations` }).waitFor();
    expect(await page.locator('[data-testid^="station-row-"]').count()).toBe(all.body.length);
    await page.getByLabel('Filter stations').fill(`console-${process.pid}`);
    await count.filter({ hasText: `1 of ${all.body.length} stations` }).waitFor();
    await eventually(
      () => page.locator('[data-testid^="station-row-"]').count(),
      (n) => n === 1,
      10_000,
    );
    await page.getByTestId(`station-row-${STATION}`).waitFor();
    // Not connected: nothing matches, our station is connected.
    await page.getByLabel('Connection').selectOption('false');
    await count.filter({ hasText: `0 of ${all.body.length} stations` }).waitFor();
    await page.getByText('No station matches the filter.').waitFor();
    expect(trouble).toEqual({ errors: [], serverErrors: [] });
    await page.close();
  }, 60_000);

  /**
   * Two charge points of a case's own, connected for `body` only: `CP-<name>-CHG-…` charging under
   * `tag` (Preparing, StartTransaction, Charging) and `CP-<name>-AVL-…` available. The session is
   * stopped at the end (or earlier, by `stop`) and both chargers leave.
   */
  async function withChargingAndAvailable(
    name: string,
    tag: string,
    body: (stations: {
      charging: TestChargePoint;
      available: TestChargePoint;
      stop: () => Promise<void>;
    }) => Promise<void>,
  ): Promise<void> {
    const charging = await TestChargePoint.connect(ocppUrl, `CP-${name}-CHG-${process.pid}`, { connectors: 1 });
    let available: TestChargePoint | undefined;
    let transactionId: number | undefined;
    const stop = async (): Promise<void> => {
      if (transactionId === undefined) return;
      const id = transactionId;
      transactionId = undefined;
      await charging.stopTransaction(id);
      await charging.status(1, 'Finishing');
    };
    try {
      available = await TestChargePoint.connect(ocppUrl, `CP-${name}-AVL-${process.pid}`, { connectors: 1 });
      await charging.boot();
      await available.boot();
      await available.status(1, 'Available');
      await charging.status(1, 'Preparing');
      transactionId = await charging.startTransaction(1, tag);
      await charging.status(1, 'Charging');
      await body({ charging, available, stop });
      await stop();
    } finally {
      await stop().catch(() => undefined);
      await charging.close();
      await available?.close();
    }
  }

  /**
   * The station table shows exactly the stations `ids` (in the CSMS's order), the count says
   * "`ids.length` of `site` stations", and the empty state is shown when, and only when, none match.
   */
  async function expectTable(page: Page, ids: string[], site: number): Promise<void> {
    await page
      .getByTestId('station-count')
      .filter({ hasText: new RegExp(`^${ids.length} of ${site} stations( ·|$)`) })
      .waitFor();
    const names = page.locator('[data-testid^="station-row-"] th');
    const shown = await eventually(
      () => names.allTextContents(),
      (texts) => JSON.stringify(texts) === JSON.stringify(ids),
    );
    expect(shown).toEqual(ids);
    const empty = page.getByText('No station matches the filter.');
    if (ids.length === 0) await empty.waitFor();
    else expect(await empty.count()).toBe(0);
  }

  /** The ids of the stations ocpp-csms lists for `query` (the table's oracle). */
  async function csmsStations(query: string): Promise<string[]> {
    const list = await http<{ station_id: string }[]>(`${urls.csms}/stations?${query}`);
    expect(list.status).toBe(200);
    return list.body.map((s) => s.station_id);
  }

  it('narrows the station table by connector status (rows, count, empty state), with the text filter too', async () => {
    await withChargingAndAvailable('ST', `TAG-ST-${process.pid}`, async ({ charging, available }) => {
      const site = (await csmsStations('')).length;
      const page = await login(admin, urls.console, 'admin', 'secret');
      const trouble = watch(page);
      await page.goto(`${urls.console}/charging`);
      await page.getByTestId(`station-row-${charging.identity}`).waitFor();
      await page.getByTestId(`station-row-${available.identity}`).waitFor();
      const status = page.getByRole('combobox', { name: /^Status/ });
      // Charging: the charging station is listed, the available one is not; the count says how many.
      await status.selectOption('Charging');
      const chargingNow = await csmsStations('status=Charging');
      expect(chargingNow).toContain(charging.identity);
      expect(chargingNow).not.toContain(available.identity);
      await expectTable(page, chargingNow, site);
      // Available: the other way round.
      await status.selectOption('Available');
      const availableNow = await csmsStations('status=Available');
      expect(availableNow).toContain(available.identity);
      expect(availableNow).not.toContain(charging.identity);
      await expectTable(page, availableNow, site);
      // Both filters at once: the available station's id under Charging matches nothing.
      await status.selectOption('Charging');
      await page.getByLabel('Filter stations').fill(available.identity);
      await expectTable(page, [], site);
      await page.getByLabel('Filter stations').fill(charging.identity);
      await expectTable(page, [charging.identity], site);
      // Any status, no text: every station again.
      await status.selectOption('all');
      await page.getByLabel('Filter stations').fill('');
      await page
        .getByTestId('station-count')
        .filter({ hasText: new RegExp(`^${site} stations( ·|$)`) })
        .waitFor();
      expect(trouble).toEqual({ errors: [], serverErrors: [] });
      await page.close();
    });
  }, 90_000);

  it("finds a station by its open session's id tag and by a status word, and not by the tag once the session ends", async () => {
    const tag = `TAG-Q-${process.pid}`;
    await withChargingAndAvailable('Q', tag, async ({ charging, available, stop }) => {
      const site = (await csmsStations('')).length;
      const page = await login(admin, urls.console, 'admin', 'secret');
      const trouble = watch(page);
      await page.goto(`${urls.console}/charging`);
      await page.getByTestId(`station-row-${charging.identity}`).waitFor();
      const filter = page.getByLabel('Filter stations');
      // The open session's id tag (in another case than the charger sent it): only the station charging under it.
      await filter.fill(tag.toLowerCase());
      await expectTable(page, [charging.identity], site);
      // A status word (any case): the stations with a connector in that status, not the charging one.
      await filter.fill('AVAILABLE');
      const availableNow = await csmsStations('q=available');
      expect(availableNow).toContain(available.identity);
      expect(availableNow).not.toContain(charging.identity);
      await expectTable(page, availableNow, site);
      // The session over, its id tag finds nothing (the page read afresh: the table re-reads every 10 s).
      await stop();
      await page.reload();
      await page.getByTestId(`station-row-${charging.identity}`).waitFor();
      await page.getByLabel('Filter stations').fill(tag);
      await expectTable(page, [], site);
      expect(trouble).toEqual({ errors: [], serverErrors: [] });
      await page.close();
    });
  }, 90_000);

  it('shows a viewer the site but no action buttons', async () => {
    const created = await postJson(`${urls.solarhub}/api/v1/auth/users`, {
      username: `viewer${process.pid}`,
      password: 'viewer-password-1',
      email: `viewer${process.pid}@example.com`,
      roles: ['viewer'],
    });
    expect(created.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await login(context, urls.console, `viewer${process.pid}`, 'viewer-password-1');
    await page.goto(`${urls.console}/charging/${STATION}`);
    await page.getByRole('heading', { name: new RegExp(STATION) }).waitFor();
    expect(await page.getByRole('button', { name: 'Remote start' }).count()).toBe(0);
    await page.goto(`${urls.console}/charging`);
    await page.getByTestId(`station-row-${STATION}`).waitFor();
    expect(await page.getByRole('button', { name: 'Set limit' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Access' }).count()).toBe(0);
    await context.close();
  }, 60_000);

  it('says which app is away while it is stopped, and recovers by itself when it is back', async () => {
    const page = await login(admin, urls.console, 'admin', 'secret');
    await plantApp.close();
    const banner = page.getByTestId('connection-banner');
    await banner.filter({ hasText: 'plant-simulator' }).waitFor({ timeout: 10_000 });
    // The rest of the site is still shown.
    await page.getByRole('heading', { name: 'Site' }).waitFor();
    plantApp = await createPlantSimulatorApp(plantConfig());
    await plantApp.listen(plantPort, '127.0.0.1');
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    await page.close();
  }, 60_000);

  it.each([
    ['site', '/site'],
    ['charging', '/charging'],
    ['station', `/charging/${STATION}`],
    ['loads', '/loads'],
    ['optimizer', '/optimizer'],
    ['storage', '/storage'],
    ['access', '/access'],
  ])(
    '%s page: no console errors, no serious accessibility violations; screenshot saved',
    async (name, path) => {
      const page = await login(admin, urls.console, 'admin', 'secret');
      const trouble = watch(page);
      await page.goto(`${urls.console}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
      expect({ page: name, violations: await accessibilityViolations(page) }).toEqual({ page: name, violations: [] });
      expect({ page: name, ...trouble }).toEqual({ page: name, errors: [], serverErrors: [] });
      await page.close();
    },
    60_000,
  );

  it('is usable at 390 px in the dark theme (site page screenshot)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await login(context, urls.console, 'admin', 'secret');
    await page.getByTestId('site-generation').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(SHOTS, 'site-mobile-dark.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
