import { Logger } from '@nestjs/common';
import type { DeviceDataMessage, EvChargerData } from '@lib/contracts';
import {
  ChargingProfile,
  InstalledProfile,
  OCPP16_SUBPROTOCOL,
  clearProfiles,
  compositeSchedule,
  getCompositeScheduleConf,
  endTransactionProfiles,
  installProfile,
} from '@lib/ocpp';
import { roundTo } from '@lib/power';
import { RPCClient } from 'ocpp-rpc';

type Params = Record<string, unknown>;

export interface Ev {
  socPct: number;
  capacityKwh: number;
  maxCurrentA: number;
  phases: 1 | 3;
  idTag: string;
}

const VOLTAGE_V = 230;
const CONNECTOR = 1;
const iso = (): string => new Date().toISOString();

/**
 * One simulated OCPP 1.6-J charge point (a real ocpp-rpc client in strict mode) with one
 * connector. It boots, heartbeats, reports status, runs transactions for a plugged-in EV, sends
 * MeterValues, keeps the profiles it receives, draws no more than their composite limit, and
 * answers GetCompositeSchedule from them with libs/ocpp.
 */
export class OcppChargePoint {
  private readonly logger: Logger;
  private readonly client: RPCClient;
  readonly profiles: InstalledProfile[] = [];
  private ev: Ev | null = null;
  private transactionId: number | null = null;
  private transactionStart: Date | null = null;
  private meterWh = 0;
  private lastPowerW = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private meterTimer: NodeJS.Timeout | null = null;
  private booted = false;
  /** Heartbeat interval (s) from the accepted BootNotification; set once the charger has booted. */
  private bootIntervalS: number | null = null;

  constructor(
    readonly id: string,
    csmsUrl: string,
    readonly maxPowerW: number,
    private readonly meterIntervalMs: number,
  ) {
    this.logger = new Logger(`ev:${id}`);
    this.client = new RPCClient({
      endpoint: csmsUrl,
      identity: id,
      protocols: [OCPP16_SUBPROTOCOL],
      strictMode: true,
      reconnect: true,
      maxReconnects: Infinity,
      backoff: { initialDelay: 1000, maxDelay: 30_000, factor: 2, randomisationFactor: 0.25 },
    } as never);
    this.install();
    // BootNotification is for a power-up (OCPP 1.6 §4.2): a dropped connection only resumes, so
    // the CSMS does not take it for a reboot and end the transaction in progress.
    this.client.on('open', () => void (this.bootIntervalS === null ? this.boot() : this.resume(this.bootIntervalS)));
    this.client.on('close', () => {
      this.booted = false;
      if (this.heartbeat) clearInterval(this.heartbeat);
    });
  }

  get connected(): boolean {
    return this.booted;
  }

  /** True while an EV is plugged in (charging or not). */
  get hasEv(): boolean {
    return this.ev !== null;
  }

  start(): void {
    this.client.connect().catch((error: Error) => this.logger.warn(`CSMS unreachable (${error.message}); retrying`));
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.meterTimer) clearInterval(this.meterTimer);
    await this.client.close({ force: true }).catch(() => undefined);
  }

  /** The limit its profiles set now for the connector (W), within what the charger can do. */
  /** The running transaction, as the composite schedule takes it. */
  private activeTransaction(): Map<number, { transactionId: number; startedAt: Date }> | undefined {
    return this.transactionId !== null && this.transactionStart
      ? new Map([[CONNECTOR, { transactionId: this.transactionId, startedAt: this.transactionStart }]])
      : undefined;
  }

  limitW(now = new Date()): number {
    const schedule = compositeSchedule(this.profiles, {
      connectorId: CONNECTOR,
      start: now,
      durationS: 1,
      unit: 'W',
      transactions: this.activeTransaction(),
      maxLimit: this.maxPowerW,
    });
    return schedule.chargingSchedulePeriod[0]?.limit ?? this.maxPowerW;
  }

  /** Power the EV draws now (kW), integrated into its SOC and the meter over `dtMs`. */
  powerKw(now: Date, dtMs: number): number {
    const hours = dtMs / 3_600_000;
    this.meterWh += this.lastPowerW * hours;
    if (this.ev)
      this.ev.socPct = Math.min(100, this.ev.socPct + ((this.lastPowerW * hours) / 1000 / this.ev.capacityKwh) * 100);
    let powerW = 0;
    if (this.ev && this.transactionId !== null) {
      const evMaxW = this.ev.maxCurrentA * VOLTAGE_V * this.ev.phases;
      // Above 80 % the EV's battery management lowers what it accepts.
      const taper = this.ev.socPct < 80 ? 1 : Math.max(0.05, (100 - this.ev.socPct) / 20);
      powerW = Math.max(0, Math.min(this.limitW(now), evMaxW * taper, this.maxPowerW));
      if (this.ev.socPct >= 100) powerW = 0;
    }
    this.lastPowerW = powerW;
    return powerW / 1000;
  }

  block(): Omit<EvChargerData, Exclude<keyof DeviceDataMessage, 'device_type'>> {
    return {
      device_type: 'ev_charger',
      ocpp_connected: this.booted,
      transaction_id: this.transactionId,
      ev_connected: this.ev !== null,
      ev_soc_pct: this.ev ? roundTo(this.ev.socPct, 2) : null,
      ev_capacity_kwh: this.ev?.capacityKwh ?? null,
      limit_w: this.limitW(),
      max_power_w: this.maxPowerW,
      meter_wh: Math.round(this.meterWh),
    };
  }

  /** An EV arrives: the connector is Preparing, then a transaction starts for its id tag. */
  async plugIn(ev: Ev): Promise<Params> {
    if (!this.booted) throw new Error('not connected to the CSMS');
    if (this.ev) throw new Error('an EV is already plugged in');
    this.ev = ev;
    await this.status('Preparing');
    return this.startTransaction(ev.idTag);
  }

  async unplug(): Promise<Params> {
    const stopped = this.transactionId !== null ? await this.stopTransaction('EVDisconnected') : {};
    this.ev = null;
    if (this.booted) await this.status('Available');
    return stopped;
  }

  private async startTransaction(idTag: string): Promise<Params> {
    const res = (await this.client.call('StartTransaction', {
      connectorId: CONNECTOR,
      idTag,
      meterStart: Math.round(this.meterWh),
      timestamp: iso(),
    })) as {
      transactionId: number;
      idTagInfo: { status: string };
    };
    if (res.idTagInfo.status !== 'Accepted') {
      // The CSMS refused the tag: the transaction ends at once, as a charger would end it.
      this.transactionId = res.transactionId;
      await this.stopTransaction('DeAuthorized');
      return { started: false, id_tag_status: res.idTagInfo.status };
    }
    this.transactionId = res.transactionId;
    this.transactionStart = new Date();
    await this.status('Charging');
    this.meterTimer = setInterval(() => void this.sendMeterValues(), this.meterIntervalMs);
    return { started: true, transaction_id: res.transactionId };
  }

  private async stopTransaction(reason: string): Promise<Params> {
    const transactionId = this.transactionId;
    if (this.meterTimer) clearInterval(this.meterTimer);
    this.meterTimer = null;
    this.transactionId = null;
    this.transactionStart = null;
    this.lastPowerW = 0;
    endTransactionProfiles(this.profiles, transactionId);
    await this.client.call('StopTransaction', {
      transactionId,
      meterStop: Math.round(this.meterWh),
      timestamp: iso(),
      reason,
    });
    await this.status('Finishing');
    return { stopped: true, transaction_id: transactionId, meter_stop_wh: Math.round(this.meterWh) };
  }

  private async boot(): Promise<void> {
    try {
      const res = (await this.client.call('BootNotification', {
        chargePointVendor: 'EnergySite',
        chargePointModel: 'SimCharger-22',
        firmwareVersion: '1.0.0',
      })) as {
        status: string;
        interval: number;
      };
      if (res.status !== 'Accepted') {
        this.logger.warn(`boot ${res.status}; retrying in ${res.interval} s`);
        setTimeout(() => void this.boot(), Math.max(1, res.interval) * 1000).unref();
        return;
      }
      this.bootIntervalS = res.interval;
      await this.resume(res.interval);
    } catch (error) {
      this.logger.warn(`boot failed: ${(error as Error).message}`);
    }
  }

  private async resume(intervalS: number): Promise<void> {
    this.booted = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(
      () => void this.client.call('Heartbeat', {}).catch(() => undefined),
      Math.max(10, intervalS) * 1000,
    );
    await this.status(this.transactionId !== null ? 'Charging' : this.ev ? 'Preparing' : 'Available');
  }

  private async status(status: string): Promise<void> {
    await this.client
      .call('StatusNotification', { connectorId: CONNECTOR, errorCode: 'NoError', status, timestamp: iso() })
      .catch(() => undefined);
  }

  private async sendMeterValues(): Promise<void> {
    if (this.transactionId === null || !this.booted) return;
    const sampledValue = [
      { value: String(Math.round(this.meterWh)), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
      { value: String(Math.round(this.lastPowerW)), measurand: 'Power.Active.Import', unit: 'W' },
      {
        value: (this.lastPowerW / (VOLTAGE_V * (this.ev?.phases ?? 3))).toFixed(1),
        measurand: 'Current.Import',
        unit: 'A',
      },
      ...(this.ev ? [{ value: this.ev.socPct.toFixed(1), measurand: 'SoC', unit: 'Percent' }] : []),
    ];
    await this.client
      .call('MeterValues', {
        connectorId: CONNECTOR,
        transactionId: this.transactionId,
        meterValue: [{ timestamp: iso(), sampledValue }],
      })
      .catch((error: Error) => this.logger.warn(`MeterValues not delivered: ${error.message}`));
  }

  private install(): void {
    const handle = (method: string, answer: (p: Params) => Params | Promise<Params>): void =>
      this.client.handle(method, ({ params }) => Promise.resolve(answer(params ?? {})));
    handle('GetConfiguration', () => ({
      configurationKey: [
        { key: 'SupportedFeatureProfiles', readonly: true, value: 'Core,SmartCharging,RemoteTrigger' },
        { key: 'NumberOfConnectors', readonly: true, value: '1' },
        { key: 'MeterValueSampleInterval', readonly: false, value: String(Math.round(this.meterIntervalMs / 1000)) },
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '10' },
      ],
    }));
    handle('ChangeConfiguration', () => ({ status: 'Accepted' }));
    handle('SetChargingProfile', (p) => {
      const profile = p.csChargingProfiles as ChargingProfile;
      const connectorId = Number(p.connectorId);
      if (
        profile.chargingProfilePurpose === 'TxProfile' &&
        (this.transactionId === null ||
          (profile.transactionId !== undefined && profile.transactionId !== this.transactionId))
      ) {
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
      const s = compositeSchedule(this.profiles, {
        connectorId: Number(p.connectorId),
        start: new Date(),
        durationS: Number(p.duration),
        unit,
        transactions: this.activeTransaction(),
        connectorIds: [CONNECTOR],
        maxLimit: unit === 'W' ? this.maxPowerW : this.maxPowerW / (VOLTAGE_V * 3),
      });
      return getCompositeScheduleConf(s);
    });
    handle('RemoteStartTransaction', (p) => {
      if (!this.ev || this.transactionId !== null) return { status: 'Rejected' };
      void this.startTransaction(String(p.idTag)).catch((error: Error) =>
        this.logger.warn(`remote start failed: ${error.message}`),
      );
      return { status: 'Accepted' };
    });
    handle('RemoteStopTransaction', (p) => {
      if (this.transactionId === null || p.transactionId !== this.transactionId) return { status: 'Rejected' };
      void this.stopTransaction('Remote').catch((error: Error) =>
        this.logger.warn(`remote stop failed: ${error.message}`),
      );
      return { status: 'Accepted' };
    });
    handle('Reset', () => ({ status: 'Accepted' }));
  }
}
