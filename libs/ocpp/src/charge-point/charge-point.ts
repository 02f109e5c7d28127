import { RPCClient } from 'ocpp-rpc';
import { ActiveTransaction, compositeSchedule, getCompositeScheduleConf } from '../composite';
import { clearProfiles, endTransactionProfiles, installProfile } from '../installed';
import type { ChargingProfile, InstalledProfile } from '../profiles';
import { NOMINAL_VOLTAGE_V, OCPP16_SUBPROTOCOL } from '../units';
import { Car, drawCurrentA } from './car';
import { ConnectorState } from './connector';

type Params = Record<string, unknown>;

/** Where the simulator reports what went wrong (a Nest Logger fits). */
export interface ChargePointLog {
  log(message: string): void;
  warn(message: string): void;
}

export interface ChargePointOptions {
  /** The CSMS's OCPP URL without the identity (ocpp-rpc appends it): `ws://host:9000`. */
  endpoint: string;
  identity: string;
  /** HTTP Basic password (OCPP security profile 1). */
  password?: string;
  /** Connectors 1…n (default 1). */
  connectors?: number;
  /** What the station can give (W, default 22,080: 32 A on three phases); the composite schedule's ceiling. */
  maxPowerW?: number;
  /** SupportedFeatureProfiles in GetConfiguration (default `Core,SmartCharging,RemoteTrigger`). */
  featureProfiles?: string;
  /** Profile purposes it answers Rejected, e.g. a charger without TxProfile support. */
  rejectPurposes?: string[];
  /**
   * How it answers RemoteStart/RemoteStopTransaction: `follow` (default) as a charger does,
   * starting a transaction for the car plugged in (Rejected without one) and stopping the one
   * named (Rejected for another); `acknowledge` answers Accepted and does nothing else (the
   * caller acts, as tests that drive every step do).
   */
  remoteControl?: 'follow' | 'acknowledge';
  /** A TxProfile for no running transaction (or another one) is Rejected, as OCPP 1.6 says (default true). */
  checkTxProfiles?: boolean;
  /** Keep every call the CSMS made (`received`); off by default, as a long-running charger must not grow. */
  recordCalls?: boolean;
  /** MeterValues interval of a car's transaction (ms, default 10,000); also MeterValueSampleInterval. */
  meterIntervalMs?: number;
  /**
   * Who advances the cars' energy: `meter` (default) at each MeterValues, by the wall clock;
   * `external` only through `advance` (iot-mock's device simulation ticks it).
   */
  clock?: 'meter' | 'external';
  /** Reconnect after a dropped connection (with back-off), as a charger in the field does (default false). */
  reconnect?: boolean;
  vendor?: string;
  model?: string;
  log?: ChargePointLog;
}

/** What the CSMS asked of the station, in the order it came. */
export interface ReceivedCall {
  method: string;
  params: Params;
  at: number;
}

export type PlugInResult =
  { started: true; transactionId: number } | { started: false; transactionId: number | null; idTagStatus: string };

export interface UnplugResult {
  stopped: boolean;
  transactionId: number | null;
  meterStopWh: number;
}

const SILENT: ChargePointLog = { log: () => undefined, warn: () => undefined };
const iso = (at = Date.now()): string => new Date(at).toISOString();

/**
 * One simulated OCPP 1.6-J charge point: a real ocpp-rpc client in strict mode, not the CSMS's
 * code. It boots, heartbeats, reports status, authorizes, runs transactions for the cars plugged
 * into its connectors and sends their MeterValues; it keeps the charging profiles it receives
 * (libs/ocpp's installed-profile rules), answers GetCompositeSchedule from them, and its cars draw
 * no more than their composite limit. iot-mock's EV chargers and the tests' charge points are
 * both this class.
 */
export class ChargePointSimulator {
  readonly client: RPCClient;
  readonly profiles: InstalledProfile[] = [];
  /** The transactions running, by connector: their TxProfiles apply to these. */
  readonly transactions = new Map<number, ActiveTransaction>();
  readonly received: ReceivedCall[] = [];
  readonly maxPowerW: number;
  private readonly connectors = new Map<number, ConnectorState>();
  private readonly meterTimers = new Map<number, NodeJS.Timeout>();
  private readonly meterChains = new Map<number, Promise<void>>();
  private readonly log: ChargePointLog;
  private heartbeat: NodeJS.Timeout | null = null;
  private booted = false;
  /** Heartbeat interval (s) of the accepted BootNotification; set once booted. */
  private bootIntervalS: number | null = null;
  private autoBoot = false;

  constructor(readonly options: ChargePointOptions) {
    this.maxPowerW = options.maxPowerW ?? 22_080;
    this.log = options.log ?? SILENT;
    for (let id = 1; id <= (options.connectors ?? 1); id++) this.connectors.set(id, new ConnectorState(id));
    this.client = new RPCClient({
      endpoint: options.endpoint,
      identity: options.identity,
      protocols: [OCPP16_SUBPROTOCOL],
      strictMode: true,
      reconnect: options.reconnect ?? false,
      ...(options.reconnect && {
        maxReconnects: Infinity,
        backoff: { initialDelay: 1000, maxDelay: 30_000, factor: 2, randomisationFactor: 0.25 },
      }),
      ...(options.password ? { password: options.password } : {}),
    } as never);
    this.install();
    // BootNotification is for a power-up (OCPP 1.6 §4.2): a dropped connection only resumes, so
    // the CSMS does not take it for a reboot and end the transaction in progress.
    this.client.on('open', () => {
      if (this.autoBoot) void (this.bootIntervalS === null ? this.bootAndRun() : this.resume(this.bootIntervalS));
    });
    this.client.on('close', () => {
      this.booted = false;
      if (this.heartbeat) clearInterval(this.heartbeat);
    });
  }

  get identity(): string {
    return this.options.identity;
  }

  /** Booted and connected (after `start`). */
  get connected(): boolean {
    return this.booted;
  }

  get connectorIds(): number[] {
    return [...this.connectors.keys()];
  }

  /** Connects once and resolves when open (no boot: the caller drives, as tests do). */
  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** Connects in the background, boots, heartbeats and reconnects, as a charger in the field. */
  start(): void {
    this.autoBoot = true;
    this.client.connect().catch((error: Error) => this.log.warn(`CSMS unreachable (${error.message}); retrying`));
  }

  /** Stops the timers and closes the connection (nothing more is sent). */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const timer of this.meterTimers.values()) clearInterval(timer);
    this.meterTimers.clear();
    await this.client.close({ force: true }).catch(() => undefined);
  }

  call<T = Params>(method: string, params: Params): Promise<T> {
    return (this.client.call(method, params) as Promise<T>).then((res) => {
      this.track(method, params, res as Params);
      return res;
    });
  }

  connector(connectorId: number): ConnectorState {
    const c = this.connectors.get(connectorId);
    if (!c) throw new Error(`${this.identity} has no connector ${connectorId}`);
    return c;
  }

  async boot(): Promise<Params> {
    return this.call('BootNotification', {
      chargePointVendor: this.options.vendor ?? 'EnergySite',
      chargePointModel: this.options.model ?? 'SimCharger-22',
      firmwareVersion: '1.0.0',
    });
  }

  status(connectorId: number, status: string): Promise<Params> {
    return this.call('StatusNotification', { connectorId, errorCode: 'NoError', status, timestamp: iso() });
  }

  authorize(idTag: string): Promise<{ idTagInfo: { status: string } }> {
    return this.call('Authorize', { idTag });
  }

  async startTransaction(connectorId: number, idTag = 'TAG-SITE'): Promise<number> {
    const res = await this.call<{ transactionId: number }>('StartTransaction', {
      connectorId,
      idTag,
      meterStart: Math.round(this.connectors.get(connectorId)?.meterWh ?? 0),
      timestamp: iso(),
    });
    return res.transactionId;
  }

  /** Stops a transaction; its TxProfiles go with it, as OCPP 1.6 says. */
  stopTransaction(transactionId: number, reason?: string): Promise<Params> {
    const c = [...this.connectors.values()].find((x) => x.transaction?.transactionId === transactionId);
    return this.call('StopTransaction', {
      transactionId,
      meterStop: Math.round(c?.meterWh ?? 0),
      timestamp: iso(),
      ...(reason && { reason }),
    });
  }

  /** The limit (W) the latest profile for this transaction sets, or undefined. */
  limitFor(transactionId: number): number | undefined {
    const tx = this.profiles.filter((p) => p.profile.transactionId === transactionId).at(-1);
    return tx?.profile.chargingSchedule.chargingSchedulePeriod[0].limit;
  }

  /** The limit (W) the installed profiles set on the connector now (its composite schedule), within the station's maximum. */
  limitNowW(connectorId: number, at = new Date()): number {
    const schedule = compositeSchedule(this.profiles, {
      connectorId,
      start: at,
      durationS: 1,
      unit: 'W',
      connectorIds: this.connectorIds,
      transactions: this.transactions,
      maxLimit: this.maxPowerW,
    });
    return schedule.chargingSchedulePeriod[0]?.limit ?? this.maxPowerW;
  }

  /**
   * Time passes for every connector's car (the `external` clock): the power each held goes into
   * its meter, then each draws what its profiles allow now. Returns the station's power (W).
   */
  advance(dtMs: number, at = new Date()): number {
    let total = 0;
    for (const c of this.connectors.values())
      total += c.advance(dtMs, this.limitNowW(c.connectorId, at), this.maxPowerW);
    return total;
  }

  /**
   * A car arrives at a connector: Preparing, then a transaction for its id tag (ended at once if
   * the CSMS refuses the tag), Charging, and MeterValues at once and every `meterIntervalMs`
   * (the station's own by default).
   */
  async plugIn(car: Car, connectorId = 1, meterIntervalMs?: number): Promise<PlugInResult> {
    const c = this.connector(connectorId);
    if (c.car) throw new Error(`connector ${connectorId}: a car is already plugged in`);
    c.car = car;
    c.powerW = 0;
    c.meterIntervalMs = meterIntervalMs ?? this.options.meterIntervalMs ?? 10_000;
    await this.status(connectorId, 'Preparing');
    return this.startCarTransaction(c);
  }

  /** The car leaves: its transaction stops (EVDisconnected), the connector is Finishing, then Available. */
  async unplug(connectorId = 1): Promise<UnplugResult> {
    const c = this.connector(connectorId);
    const transactionId = c.transaction?.transactionId ?? null;
    if (transactionId !== null) await this.endCarTransaction(c, 'EVDisconnected');
    c.car = null;
    await this.status(connectorId, 'Available').catch(() => undefined);
    return { stopped: transactionId !== null, transactionId, meterStopWh: Math.round(c.meterWh) };
  }

  private async startCarTransaction(c: ConnectorState): Promise<PlugInResult> {
    const car = c.car;
    if (!car) throw new Error(`connector ${c.connectorId}: no car`);
    const res = await this.call<{ transactionId: number; idTagInfo: { status: string } }>('StartTransaction', {
      connectorId: c.connectorId,
      idTag: car.idTag,
      meterStart: Math.round(c.meterWh),
      timestamp: iso(),
    });
    if (res.idTagInfo.status !== 'Accepted') {
      // The CSMS refused the tag: the transaction ends at once, as a charger ends it.
      await this.endCarTransaction(c, 'DeAuthorized');
      return { started: false, transactionId: res.transactionId, idTagStatus: res.idTagInfo.status };
    }
    await this.status(c.connectorId, 'Charging');
    this.startMeter(c);
    return { started: true, transactionId: res.transactionId };
  }

  private async endCarTransaction(c: ConnectorState, reason: string): Promise<void> {
    const transactionId = c.transaction?.transactionId;
    const timer = this.meterTimers.get(c.connectorId);
    if (timer) clearInterval(timer);
    this.meterTimers.delete(c.connectorId);
    await this.meterChains.get(c.connectorId)?.catch(() => undefined);
    if (transactionId === undefined) return;
    await this.stopTransaction(transactionId, reason);
    await this.status(c.connectorId, 'Finishing').catch(() => undefined);
  }

  private startMeter(c: ConnectorState): void {
    let lastAt = Date.now();
    const tick = async (): Promise<void> => {
      const transactionId = c.transaction?.transactionId;
      if (transactionId === undefined) return;
      const at = Date.now();
      const limitW = this.limitNowW(c.connectorId, new Date(at));
      if (this.options.clock !== 'external') c.advance(at - lastAt, limitW, this.maxPowerW);
      lastAt = at;
      c.record({ at, powerW: c.powerW, limitW });
      if (this.autoBoot && !this.booted) return;
      await this.call('MeterValues', {
        connectorId: c.connectorId,
        transactionId,
        meterValue: [{ timestamp: iso(at), sampledValue: this.sampledValues(c) }],
      }).catch((error: Error) => this.log.warn(`MeterValues not delivered: ${error.message}`));
    };
    // One MeterValues at a time per connector, the first at once.
    this.meterChains.set(c.connectorId, tick());
    const timer = setInterval(() => {
      const chain = (this.meterChains.get(c.connectorId) ?? Promise.resolve()).then(tick).catch(() => undefined);
      this.meterChains.set(c.connectorId, chain);
    }, c.meterIntervalMs);
    this.meterTimers.set(c.connectorId, timer);
  }

  private sampledValues(c: ConnectorState): { value: string; measurand: string; unit: string }[] {
    const phases = c.car?.phases ?? 3;
    const soc = c.car?.battery?.socPct;
    return [
      { value: c.meterWh.toFixed(1), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
      { value: String(Math.round(c.powerW)), measurand: 'Power.Active.Import', unit: 'W' },
      { value: drawCurrentA(c.powerW, phases).toFixed(1), measurand: 'Current.Import', unit: 'A' },
      ...(soc !== undefined ? [{ value: soc.toFixed(1), measurand: 'SoC', unit: 'Percent' }] : []),
    ];
  }

  /** What the CSMS's answers mean for the station's own state: transactions start and stop. */
  private track(method: string, params: Params, res: Params): void {
    if (method === 'StartTransaction' && typeof res.transactionId === 'number') {
      const c = this.connectors.get(Number(params.connectorId));
      const transaction = { transactionId: res.transactionId, startedAt: new Date() };
      this.transactions.set(Number(params.connectorId), transaction);
      if (c) c.transaction = transaction;
    } else if (method === 'StopTransaction') {
      const transactionId = Number(params.transactionId);
      endTransactionProfiles(this.profiles, transactionId);
      for (const [connectorId, tx] of this.transactions)
        if (tx.transactionId === transactionId) {
          this.transactions.delete(connectorId);
          this.connectors.get(connectorId)?.endTransaction();
        }
    }
  }

  private async bootAndRun(): Promise<void> {
    try {
      const res = (await this.boot()) as { status: string; interval: number };
      if (res.status !== 'Accepted') {
        this.log.warn(`boot ${res.status}; retrying in ${res.interval} s`);
        setTimeout(() => void this.bootAndRun(), Math.max(1, res.interval) * 1000).unref();
        return;
      }
      this.bootIntervalS = res.interval;
      await this.resume(res.interval);
    } catch (error) {
      this.log.warn(`boot failed: ${(error as Error).message}`);
    }
  }

  private async resume(intervalS: number): Promise<void> {
    this.booted = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(
      () => void this.call('Heartbeat', {}).catch(() => undefined),
      Math.max(10, intervalS) * 1000,
    );
    for (const c of this.connectors.values()) {
      const status = c.transaction ? 'Charging' : c.car ? 'Preparing' : 'Available';
      await this.status(c.connectorId, status).catch(() => undefined);
    }
  }

  private install(): void {
    const handle = (method: string, answer: (params: Params) => Params | Promise<Params>): void =>
      this.client.handle(method, ({ params }) => {
        if (this.options.recordCalls) this.received.push({ method, params: params ?? {}, at: Date.now() });
        return Promise.resolve(answer(params ?? {}));
      });
    handle('GetConfiguration', () => ({
      configurationKey: [
        {
          key: 'SupportedFeatureProfiles',
          readonly: true,
          value: this.options.featureProfiles ?? 'Core,SmartCharging,RemoteTrigger',
        },
        { key: 'NumberOfConnectors', readonly: true, value: String(this.connectors.size) },
        {
          key: 'MeterValueSampleInterval',
          readonly: false,
          value: String(Math.round((this.options.meterIntervalMs ?? 10_000) / 1000)),
        },
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '10' },
      ],
    }));
    handle('ChangeConfiguration', () => ({ status: 'Accepted' }));
    handle('Reset', () => ({ status: 'Accepted' }));
    handle('SetChargingProfile', (p) => {
      const profile = p.csChargingProfiles as ChargingProfile;
      const connectorId = Number(p.connectorId);
      if (this.options.rejectPurposes?.includes(profile.chargingProfilePurpose)) return { status: 'Rejected' };
      if (profile.chargingProfilePurpose === 'TxProfile' && this.options.checkTxProfiles !== false) {
        const running = this.transactions.get(connectorId);
        if (!running || (profile.transactionId !== undefined && profile.transactionId !== running.transactionId))
          return { status: 'Rejected' };
      }
      installProfile(this.profiles, connectorId, profile);
      return { status: 'Accepted' };
    });
    handle('ClearChargingProfile', (p) => ({
      status: clearProfiles(this.profiles, p) > 0 ? 'Accepted' : 'Unknown',
    }));
    handle('GetCompositeSchedule', (p) => {
      const unit = (p.chargingRateUnit as 'A' | 'W' | undefined) ?? 'W';
      const schedule = compositeSchedule(this.profiles, {
        connectorId: Number(p.connectorId),
        start: new Date(),
        durationS: Number(p.duration),
        unit,
        connectorIds: this.connectorIds,
        transactions: this.transactions,
        maxLimit: unit === 'W' ? this.maxPowerW : this.maxPowerW / (NOMINAL_VOLTAGE_V * 3),
      });
      return getCompositeScheduleConf(schedule);
    });
    handle('RemoteStartTransaction', (p) => {
      if (this.options.remoteControl === 'acknowledge') return { status: 'Accepted' };
      const connectorId = p.connectorId === undefined ? 1 : Number(p.connectorId);
      const c = this.connectors.get(connectorId);
      if (!c?.car || c.transaction) return { status: 'Rejected' };
      c.car = { ...c.car, idTag: String(p.idTag) };
      void this.startCarTransaction(c).catch((error: Error) => this.log.warn(`remote start failed: ${error.message}`));
      return { status: 'Accepted' };
    });
    handle('RemoteStopTransaction', (p) => {
      if (this.options.remoteControl === 'acknowledge') return { status: 'Accepted' };
      const c = [...this.connectors.values()].find((x) => x.transaction?.transactionId === p.transactionId);
      if (!c) return { status: 'Rejected' };
      void this.endCarTransaction(c, 'Remote').catch((error: Error) =>
        this.log.warn(`remote stop failed: ${error.message}`),
      );
      return { status: 'Accepted' };
    });
  }
}
