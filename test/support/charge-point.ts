import {
  ActiveTransaction,
  ChargingProfile,
  InstalledProfile,
  clearProfiles,
  compositeSchedule,
  getCompositeScheduleConf,
  endTransactionProfiles,
  installProfile,
} from '@lib/ocpp';
import { RPCClient } from 'ocpp-rpc';

type Params = Record<string, unknown>;

/** One MeterValues a simulated car sent: what it drew (W) under the limit its profiles set then. */
export interface CarReading {
  at: number;
  powerW: number;
  limitW: number;
}

/** A car charging on a connector of a TestChargePoint (`plugIn`). */
export interface ChargingSession {
  transactionId: number;
  readings: CarReading[];
  /** Stops the meter loop and the transaction. */
  stop: () => Promise<void>;
}

export interface ChargePointOptions {
  password?: string;
  featureProfiles?: string;
  connectors?: number;
  /** Profile purposes this station refuses (status Rejected), e.g. a charger without TxProfile support. */
  rejectPurposes?: string[];
}

/**
 * A charge point for tests: a real OCPP 1.6-J client (ocpp-rpc, strict mode) that stores the
 * profiles it receives and answers GetCompositeSchedule from them with libs/ocpp.
 */
export class TestChargePoint {
  readonly profiles: InstalledProfile[] = [];
  /** The transactions running on this station, by connector: its TxProfiles apply to these, as on a real charger. */
  readonly transactions = new Map<number, ActiveTransaction>();
  readonly received: { method: string; params: Params }[] = [];

  private constructor(readonly client: RPCClient) {}

  static async connect(url: string, identity: string, options: ChargePointOptions = {}): Promise<TestChargePoint> {
    const client = new RPCClient({
      endpoint: url,
      identity,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
      ...(options.password ? { password: options.password } : {}),
    } as never);
    const cp = new TestChargePoint(client);
    cp.install(options);
    await client.connect();
    return cp;
  }

  call<T = Params>(method: string, params: Params): Promise<T> {
    return this.client.call(method, params) as Promise<T>;
  }

  /** The limit (W) the latest profile for this transaction sets, or undefined. */
  limitFor(transactionId: number): number | undefined {
    const tx = this.profiles.filter((p) => p.profile.transactionId === transactionId).at(-1);
    return tx?.profile.chargingSchedule.chargingSchedulePeriod[0].limit;
  }

  async startTransaction(connectorId: number, idTag = 'TAG-SITE'): Promise<number> {
    const startedAt = new Date();
    const res = await this.call<{ transactionId: number }>('StartTransaction', {
      connectorId,
      idTag,
      meterStart: 0,
      timestamp: startedAt.toISOString(),
    });
    this.transactions.set(connectorId, { transactionId: res.transactionId, startedAt });
    return res.transactionId;
  }

  /** Stops a transaction; its TxProfiles go with it, as OCPP 1.6 says. */
  stopTransaction(transactionId: number): Promise<Params> {
    endTransactionProfiles(this.profiles, transactionId);
    for (const [connectorId, tx] of this.transactions)
      if (tx.transactionId === transactionId) this.transactions.delete(connectorId);
    return this.call('StopTransaction', { transactionId, meterStop: 1000, timestamp: new Date().toISOString() });
  }

  /**
   * The limit (W) the installed profiles set on `connectorId` now (the composite schedule, as the
   * station would apply it), or `maxW` when none limits it.
   */
  limitNowW(connectorId: number, maxW = 22_080): number {
    const schedule = compositeSchedule(this.profiles, {
      connectorId,
      start: new Date(),
      durationS: 1,
      unit: 'W',
      connectorIds: [1, 2],
      transactions: this.transactions,
      maxLimit: maxW,
    });
    return schedule.chargingSchedulePeriod[0]?.limit ?? maxW;
  }

  /**
   * A car on `connectorId`: Preparing, StartTransaction, Charging, then MeterValues every
   * `intervalMs` (and at once), in which the car draws min(`carMaxW`, the limit its profiles set
   * now): a car that follows the charging profile the CSMS sends.
   */
  async plugIn(connectorId: number, carMaxW: number, intervalMs = 1000): Promise<ChargingSession> {
    await this.status(connectorId, 'Preparing');
    const transactionId = await this.startTransaction(connectorId, `TAG-CAR-${connectorId}`);
    await this.status(connectorId, 'Charging');
    const readings: CarReading[] = [];
    let energyWh = 0;
    let lastAt = Date.now();
    let stopped = false;
    const meter = async (): Promise<void> => {
      const at = Date.now();
      const limitW = this.limitNowW(connectorId);
      const powerW = Math.min(carMaxW, limitW);
      energyWh += (powerW * (at - lastAt)) / 3_600_000;
      lastAt = at;
      readings.push({ at, powerW, limitW });
      await this.call('MeterValues', {
        connectorId,
        transactionId,
        meterValue: [
          {
            timestamp: new Date(at).toISOString(),
            sampledValue: [
              { value: String(powerW), measurand: 'Power.Active.Import', unit: 'W' },
              { value: energyWh.toFixed(1), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            ],
          },
        ],
      });
    };
    let running: Promise<void> = meter();
    const timer = setInterval(() => {
      if (!stopped) running = running.then(meter).catch(() => undefined);
    }, intervalMs);
    return {
      transactionId,
      readings,
      stop: async () => {
        stopped = true;
        clearInterval(timer);
        await running.catch(() => undefined);
        await this.stopTransaction(transactionId);
      },
    };
  }

  status(connectorId: number, status: string): Promise<Params> {
    return this.call('StatusNotification', {
      connectorId,
      errorCode: 'NoError',
      status,
      timestamp: new Date().toISOString(),
    });
  }

  async boot(): Promise<Params> {
    return this.call('BootNotification', {
      chargePointVendor: 'TestVendor',
      chargePointModel: 'TC-22',
      firmwareVersion: '1.0.0',
    });
  }

  close(): Promise<unknown> {
    return this.client.close({ force: true });
  }

  private install(options: ChargePointOptions): void {
    const record = (method: string, params: Params): void => void this.received.push({ method, params });
    const handle = (method: string, answer: (params: Params) => Params): void =>
      this.client.handle(method, ({ params }) => {
        record(method, params ?? {});
        return Promise.resolve(answer(params ?? {}));
      });
    handle('GetConfiguration', () => ({
      configurationKey: [
        {
          key: 'SupportedFeatureProfiles',
          readonly: true,
          value: options.featureProfiles ?? 'Core,SmartCharging,RemoteTrigger',
        },
        { key: 'NumberOfConnectors', readonly: true, value: String(options.connectors ?? 2) },
      ],
    }));
    handle('SetChargingProfile', (p) => {
      const profile = p.csChargingProfiles as ChargingProfile;
      if (options.rejectPurposes?.includes(profile.chargingProfilePurpose)) return { status: 'Rejected' };
      installProfile(this.profiles, Number(p.connectorId), profile);
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
        connectorIds: [1, 2],
        transactions: this.transactions,
        maxLimit: unit === 'W' ? 22_080 : 32,
      });
      return getCompositeScheduleConf(schedule);
    });
    for (const method of ['RemoteStartTransaction', 'RemoteStopTransaction', 'Reset', 'ChangeConfiguration']) {
      handle(method, () => ({ status: 'Accepted' }));
    }
  }
}
