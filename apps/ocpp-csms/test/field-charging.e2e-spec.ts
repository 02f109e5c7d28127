import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadOcppCsmsConfig } from '../src/ocpp-csms.config';
import { DatabaseConnection } from '@lib/persistence';
import { RPCClient } from 'ocpp-rpc';
import { In } from 'typeorm';
import { eventually, http, listenOnFreePort } from '../../../test/support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from '../../../test/support/infra';
import { createCsmsApp } from '../src/app.factory';
import { CentralSystemService } from '../src/ocpp/central-system.service';
import { MeterValueEntity } from '../src/persistence/entities';

const DB = `csms_field_${process.pid}`;
const LIMIT_W = 20_000;
type Params = Record<string, unknown>;

/** Short intervals so the suite stays fast; the behaviour is the production one. */
const ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: mysqlDatabaseUrl(DB),
  OCPP_PORT: '0',
  OCPP_CALL_TIMEOUT_MS: '1000',
  OCPP_AVAILABLE_GRACE_S: '1',
  OCPP_LENIENT_MODELS: 'Quirky-1',
  SITE_CALL_TIMEOUT_MS: '300',
  SITE_ANSWER_WITHIN_MS: '300',
  SITE_DEBOUNCE_MS: '50',
  SITE_REVIEW_INTERVAL_MS: '250',
  SITE_STEP_W: '200',
  SITE_RETRY_AFTER_S: '600',
  SITE_SEND_ATTEMPTS: '3',
  SITE_SEND_BACKOFF_MS: '50',
};

interface Behaviour {
  /** SupportedFeatureProfiles it reports. */
  features?: string;
  /** Answers nothing the CSMS asks (no GetConfiguration, no SetChargingProfile). */
  silent?: boolean;
  /** Has no SetChargingProfile handler: ocpp-rpc answers the CALLERROR NotImplemented. */
  notImplemented?: boolean;
  /** What it draws without a profile (W). */
  maxW: number;
  /** Sends frames that fail the 1.6 schema (its own check off), as some firmware does. */
  sloppy?: boolean;
}

/**
 * A field charge point, misbehaving as told: a plain ocpp-rpc client that reports in MeterValues
 * the power its profiles allow (or its maximum, when it ignores them), every 100 ms.
 */
class FieldStation {
  readonly profiles: { connectorId: number; purpose: string; transactionId?: number; limitW: number }[] = [];
  profilesReceived = 0;
  transactionId: number | null = null;
  meterWh = 0;
  reportedW = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly id: string,
    readonly client: RPCClient,
    private readonly behaviour: Behaviour,
  ) {}

  static async connect(url: string, id: string, behaviour: Behaviour): Promise<FieldStation> {
    const client = new RPCClient({
      endpoint: url,
      identity: id,
      protocols: ['ocpp1.6'],
      strictMode: !behaviour.sloppy,
      reconnect: false,
    } as never);
    const station = new FieldStation(id, client, behaviour);
    station.install();
    await client.connect();
    await client.call('BootNotification', { chargePointVendor: 'Field', chargePointModel: 'F-1' });
    return station;
  }

  private install(): void {
    const never = (): Promise<Params> => new Promise<Params>(() => undefined);
    const { silent, notImplemented, features } = this.behaviour;
    this.client.handle('GetConfiguration', () =>
      silent
        ? never()
        : Promise.resolve({
            configurationKey: [
              { key: 'SupportedFeatureProfiles', readonly: true, value: features ?? 'Core,SmartCharging' },
              { key: 'NumberOfConnectors', readonly: true, value: '1' },
            ],
          }),
    );
    if (notImplemented) return;
    this.client.handle('SetChargingProfile', ({ params }) => {
      this.profilesReceived++;
      if (silent || !params) return never();
      const p = params.csChargingProfiles as {
        chargingProfilePurpose: string;
        transactionId?: number;
        chargingSchedule: { chargingSchedulePeriod: { limit: number }[] };
      };
      const entry = {
        connectorId: Number(params.connectorId),
        purpose: p.chargingProfilePurpose,
        transactionId: p.transactionId,
        limitW: p.chargingSchedule.chargingSchedulePeriod[0].limit,
      };
      const same = this.profiles.findIndex((x) => x.connectorId === entry.connectorId && x.purpose === entry.purpose);
      if (same >= 0) this.profiles.splice(same, 1);
      this.profiles.push(entry);
      return Promise.resolve({ status: 'Accepted' });
    });
    this.client.handle('ClearChargingProfile', () => Promise.resolve({ status: 'Accepted' }));
  }

  /** What it may draw now: its maximum, capped by the site's TxProfile or station cap. */
  allowedW(): number {
    const caps = this.profiles
      .filter((p) => (p.purpose === 'TxProfile' ? p.transactionId === this.transactionId : true))
      .map((p) => p.limitW);
    return Math.min(this.behaviour.maxW, ...caps);
  }

  call<T = Params>(method: string, params: Params): Promise<T> {
    return this.client.call(method, params) as Promise<T>;
  }

  async start(meterStart = 0): Promise<number> {
    const res = await this.call<{ transactionId: number }>('StartTransaction', {
      connectorId: 1,
      idTag: 'FIELD',
      meterStart,
      timestamp: new Date().toISOString(),
    });
    this.transactionId = res.transactionId;
    this.meterWh = meterStart;
    return res.transactionId;
  }

  /** Reports its power every 100 ms, as allowed. */
  charge(): void {
    this.timer = setInterval(() => void this.report(), 100);
  }

  async report(): Promise<void> {
    if (this.transactionId === null) return;
    this.reportedW = this.allowedW();
    this.meterWh += this.reportedW / 36_000;
    await this.call('MeterValues', {
      connectorId: 1,
      transactionId: this.transactionId,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [
            { value: this.meterWh.toFixed(0), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            { value: String(this.reportedW), measurand: 'Power.Active.Import', unit: 'W' },
          ],
        },
      ],
    }).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.client.close({ force: true });
  }
}

interface SiteView {
  limit_w: number | null;
  uncontrolled_w: number;
  budget_w: number | null;
  allocations: { station_id: string; transaction_id: number; limit_w: number; status: string; state: string }[];
  stations: { station_id: string; controllable: boolean; reason: string | null; retry_at: string | null }[];
  failed_sends: { station_id: string; attempts: number; message: string; purpose: string }[];
}
interface TxView {
  transaction_id: number;
  active: boolean;
  meter_stop_wh: number | null;
  energy_wh: number | null;
  stop_reason: string | null;
}

describe('ocpp-csms in the field: misbehaving charge points under a site limit', () => {
  let app: NestFastifyApplication;
  let url: string;
  let ocppUrl: string;
  const stations: FieldStation[] = [];
  const id = (name: string): string => `${name}-${process.pid}`;
  let noSmartCharging: FieldStation;
  let notImplemented: FieldStation;
  let silent: FieldStation;
  let obeyA: FieldStation;
  let obeyB: FieldStation;

  const site = (): Promise<{ body: SiteView }> => http<SiteView>(`${url}/site/charging_limit`);
  const tx = (transactionId: number) => http<TxView>(`${url}/transactions/${transactionId}`);
  const reportedSumW = (): number => stations.reduce((sum, s) => sum + (s.transactionId === null ? 0 : s.reportedW), 0);
  const profilesSent = (): number => stations.reduce((sum, s) => sum + s.profilesReceived, 0);

  async function start(): Promise<void> {
    await mysqlAdmin(`CREATE DATABASE IF NOT EXISTS ${DB}`);
    app = await createCsmsApp(loadOcppCsmsConfig(ENV));
    url = await listenOnFreePort(app);
    ocppUrl = `ws://127.0.0.1:${app.get(CentralSystemService).port}`;
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      15_000,
    );
  }

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await start();
    noSmartCharging = await FieldStation.connect(ocppUrl, id('NOSC'), { features: 'Core', maxW: 7_000 });
    notImplemented = await FieldStation.connect(ocppUrl, id('NOTIMPL'), { notImplemented: true, maxW: 3_700 });
    silent = await FieldStation.connect(ocppUrl, id('SILENT'), { silent: true, maxW: 3_700 });
    obeyA = await FieldStation.connect(ocppUrl, id('OBEY-A'), { maxW: 11_000 });
    obeyB = await FieldStation.connect(ocppUrl, id('OBEY-B'), { maxW: 11_000 });
    stations.push(noSmartCharging, notImplemented, silent, obeyA, obeyB);
    for (const s of stations) {
      await s.start();
      s.charge();
    }
  });

  afterAll(async () => {
    for (const s of stations) await s.close();
    await app?.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  it('answers PUT /site/charging_limit within a second, although one station never answers', async () => {
    const t0 = Date.now();
    const res = await http<SiteView>(`${url}/site/charging_limit`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limit: LIMIT_W, unit: 'W' }),
    });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(res.body.limit_w).toBe(LIMIT_W);
    expect(res.body.allocations).toHaveLength(5);
  });

  it('marks the stations that take no profile uncontrollable and keeps the site under its limit', async () => {
    const settled = await eventually(
      site,
      (r) =>
        [noSmartCharging, notImplemented, silent].every(
          (s) => r.body.stations.find((x) => x.station_id === s.id)?.controllable === false,
        ) &&
        r.body.allocations.filter((a) => a.status === 'uncontrolled').length === 3 &&
        r.body.allocations.filter((a) => a.status === 'applied').length === 2 &&
        reportedSumW() < LIMIT_W,
      10_000,
    );
    const byId = new Map(settled.body.stations.map((s) => [s.station_id, s]));
    expect(byId.get(notImplemented.id)?.reason).toContain('NotImplemented');
    expect(byId.get(silent.id)?.reason).toMatch(/no answer|did not answer/);
    expect(byId.get(silent.id)?.retry_at).not.toBeNull();
    // Each purpose was tried SITE_SEND_ATTEMPTS times before it counted as refused, and that shows.
    const failed = settled.body.failed_sends.filter((f) => f.station_id === silent.id);
    expect(new Set(failed.map((f) => f.purpose))).toEqual(
      new Set(['TxProfile', 'ChargePointMaxProfile', 'TxDefaultProfile']),
    );
    for (const f of failed)
      expect(f).toMatchObject({ attempts: 3, message: expect.stringMatching(/no answer|did not answer/) });
    expect(settled.body.failed_sends.some((f) => f.station_id !== silent.id)).toBe(false);
    // 7 + 3.7 + 3.7 kW drawn unsteered, with the 10 % margin, come off the limit first.
    expect(settled.body.uncontrolled_w).toBeGreaterThanOrEqual(15_840);
    expect(obeyA.allowedW() + obeyB.allowedW()).toBeLessThanOrEqual(settled.body.budget_w ?? 0);
    const station = await http<{ site_control: { controllable: boolean } }>(`${url}/stations/${silent.id}`);
    expect(station.body.site_control.controllable).toBe(false);
    // It stays under the limit: the next reports too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reportedSumW()).toBeLessThan(LIMIT_W);
  });

  it('sends no profile while nothing changes', async () => {
    const before = profilesSent();
    // Several reviews and many meter values later (SITE_REVIEW_INTERVAL_MS is 250 ms in this test).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(profilesSent()).toBe(before);
  });

  it('answers a repeated StopTransaction and changes nothing', async () => {
    const t = await obeyA.start(100);
    await obeyA.call('StopTransaction', {
      transactionId: t,
      meterStop: 482,
      timestamp: new Date().toISOString(),
      reason: 'HardReset',
    });
    const again = await obeyA.call('StopTransaction', {
      transactionId: t,
      meterStop: 1880,
      timestamp: new Date().toISOString(),
      reason: 'Local',
      idTag: 'FIELD',
    });
    obeyA.transactionId = null;
    expect(again).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect((await tx(t)).body).toMatchObject({
      active: false,
      meter_stop_wh: 482,
      energy_wh: 382,
      stop_reason: 'HardReset',
    });
  });

  it('ends the open transaction of a connector when a new one starts there, with the energy of its last reading', async () => {
    const first = await obeyB.start(1_000);
    await obeyB.call('MeterValues', {
      connectorId: 1,
      transactionId: first,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [{ value: '1750', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
        },
      ],
    });
    const second = await obeyB.start(2_000);
    expect((await tx(first)).body).toMatchObject({ active: false, stop_reason: 'Superseded', meter_stop_wh: 1_750 });
    expect((await tx(second)).body.active).toBe(true);
    const view = await eventually(site, (r) => r.body.allocations.some((a) => a.transaction_id === second));
    expect(view.body.allocations.some((a) => a.transaction_id === first)).toBe(false);
  });

  it('keeps MeterValues of a closed transaction apart, counted as uncontrolled load, not as the live session', async () => {
    const closed = (await http<TxView[]>(`${url}/transactions?station_id=${obeyB.id}`)).body.find((t) => !t.active);
    if (!closed) throw new Error('no closed transaction on OBEY-B');
    const before = (await site()).body.uncontrolled_w;
    await obeyB.call('MeterValues', {
      connectorId: 1,
      transactionId: closed.transaction_id,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [{ value: '35000', measurand: 'Power.Active.Import', unit: 'W' }],
        },
      ],
    });
    // The 35 kW zombie on top of the three unsteered stations (14.4 kW), all with the 10 % margin.
    const zombie = Math.floor((14_400 + 35_000) * 1.1);
    const view = await eventually(site, (r) => r.body.uncontrolled_w >= zombie && r.body.uncontrolled_w > before);
    expect(view.body.uncontrolled_w).toBeGreaterThanOrEqual(zombie);
    const live = await http<{ connectors: { latest_meter: { values: { value: number }[] } | null }[] }>(
      `${url}/stations/${obeyB.id}`,
    );
    expect(live.body.connectors[0].latest_meter?.values.some((v) => v.value === 35_000)).toBe(false);
  });

  it('stores a reading sent in MeterValues and again in transactionData once, and keeps its context', async () => {
    const t = obeyB.transactionId ?? 0;
    const timestamp = new Date(Date.now() - 5_000).toISOString();
    const reading = { value: '2222', measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Clock' };
    await obeyB.call('MeterValues', {
      connectorId: 1,
      transactionId: t,
      meterValue: [{ timestamp, sampledValue: [reading] }],
    });
    obeyB.transactionId = null;
    await obeyB.call('StopTransaction', {
      transactionId: t,
      meterStop: 2_300,
      timestamp: new Date().toISOString(),
      reason: 'EVDisconnected',
      transactionData: [
        { timestamp, sampledValue: [reading] },
        { timestamp, sampledValue: [{ ...reading, value: '2300', context: 'Transaction.End' }] },
      ],
    });
    const rows = await app
      .get(DatabaseConnection)
      .get()
      .getRepository(MeterValueEntity)
      .findBy({ transactionId: t, context: In(['Sample.Clock', 'Transaction.End']) });
    expect(rows.map((r) => `${r.context}:${r.value}`).sort()).toEqual(['Sample.Clock:2222', 'Transaction.End:2300']);
  });

  it('ends the open transactions of a station that boots again, and of a connector left Available', async () => {
    const onA = await obeyA.start(0);
    await obeyA.call('BootNotification', { chargePointVendor: 'Field', chargePointModel: 'F-1' });
    expect((await tx(onA)).body).toMatchObject({ active: false, stop_reason: 'Reboot' });
    const onB = await obeyB.start(0);
    await obeyB.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    const ended = await eventually(
      () => tx(onB),
      (r) => !r.body.active,
      5_000,
    );
    expect(ended.body.stop_reason).toBe('ConnectorAvailable');
    const view = await eventually(site, (r) => !r.body.allocations.some((a) => [onA, onB].includes(a.transaction_id)));
    expect(view.body.allocations.map((a) => a.station_id)).not.toContain(obeyB.id);
    obeyA.transactionId = null;
  });

  it('refuses an over-length BootNotification field by default, and lets a listed model in with it truncated', async () => {
    const serial = 'S'.repeat(40);
    const strict = await FieldStation.connect(ocppUrl, id('STRICT'), { maxW: 7_000, sloppy: true });
    const quirky = await FieldStation.connect(ocppUrl, id('QUIRKY'), { maxW: 7_000, sloppy: true });
    try {
      await expect(
        strict.call('BootNotification', {
          chargePointVendor: 'Field',
          chargePointModel: 'F-1',
          chargeBoxSerialNumber: serial,
        }),
      ).rejects.toMatchObject({ rpcErrorCode: expect.stringMatching(/^Format(ion)?Violation$/) as unknown });
      await expect(
        quirky.call('BootNotification', {
          chargePointVendor: 'Field',
          chargePointModel: 'Quirky-1',
          chargeBoxSerialNumber: serial,
        }),
      ).resolves.toMatchObject({ status: 'Accepted' });
      const recorded = await http<{ model: string }>(`${url}/stations/${quirky.id}`);
      expect(recorded.body.model).toBe('Quirky-1');
    } finally {
      await strict.close();
      await quirky.close();
    }
  });

  it('counts what it set right, and the site profiles by outcome, in /metrics', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const kind of [
      'repeated_stop',
      'stray_meter_values',
      'ended_Superseded',
      'ended_Reboot',
      'ended_ConnectorAvailable',
    ])
      expect(text).toMatch(new RegExp(`ocpp_transaction_corrections_total\\{[^}]*kind="${kind}"[^}]*\\} [1-9]`));
    expect(text).toMatch(/ocpp_site_profiles_total\{[^}]*outcome="accepted"[^}]*\} [1-9]/);
    expect(text).toMatch(/ocpp_site_profiles_total\{[^}]*outcome="refused"[^}]*\} [1-9]/);
    expect(text).toMatch(/ocpp_site_failed_sends_total\{[^}]*kind="timeout"[^}]*\} [1-9]/);
    // One process, no REDIS_URL: it is the leader.
    expect(text).toMatch(/ocpp_site_leader(\{[^}]*\})? 1/);
  });

  it('rebuilds the allocation from the stored open sessions at once after a restart', async () => {
    const open = (await http<TxView[]>(`${url}/transactions?active=true`)).body.map((t) => t.transaction_id);
    expect(open.length).toBeGreaterThan(0);
    for (const s of stations) await s.close();
    stations.length = 0;
    await app.close();
    await start();
    const view = await eventually(
      site,
      (r) => open.every((t) => r.body.allocations.some((a) => a.transaction_id === t)),
      5_000,
    );
    expect(view.body.limit_w).toBe(LIMIT_W);
    expect(view.body.uncontrolled_w).toBeGreaterThan(0);
  });
});
