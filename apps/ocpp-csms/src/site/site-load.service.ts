import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { OcppCsmsConfig } from '@lib/config';
import { ChargingProfile, ampsToWatts, toOcppLimit } from '@lib/ocpp';
import { DatabaseConnection } from '@lib/persistence';
import { allocateFairShare } from '@lib/power';
import { CSMS_CONFIG } from '../csms.tokens';
import { CentralSystemService } from '../ocpp/central-system.service';
import { CsmsEvents } from '../ocpp/csms-events';
import { SettingEntity, StationEntity } from '../persistence/entities';
import { SmartChargingService } from '../smart-charging/smart-charging.service';
import { TransactionsService } from '../transactions/transactions.service';

export interface SiteLimit {
  limit: number;
  unit: 'W' | 'A';
}

export interface Allocation {
  station_id: string;
  connector_id: number;
  transaction_id: number;
  limit_w: number;
  /** How it reached the station: as a TxProfile, or as a TxDefaultProfile where the TxProfile was refused. */
  sent_as: 'TxProfile' | 'ChargePointMaxProfile' | 'TxDefaultProfile' | null;
  status: 'applied' | 'rejected' | 'error';
  message?: string;
}

const SETTING_KEY = 'site_charging_limit';
/** Profile ids and stack level the site limit uses, kept apart from operators' own profiles. */
export const SITE_PROFILE_BASE_ID = 900_000;
export const SITE_STACK_LEVEL = 8;

/**
 * Site load management: one limit (W, or A per phase) shared fairly among the active
 * transactions of every connected station, re-balanced when a transaction starts or stops or the
 * limit changes, within each station's minimum and maximum, and sent as TxProfiles.
 */
@Injectable()
export class SiteLoadService implements OnModuleInit {
  private readonly logger = new Logger('site-load');
  private current: SiteLimit | null = null;
  private allocations: Allocation[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly database: DatabaseConnection,
    private readonly central: CentralSystemService,
    private readonly smartCharging: SmartChargingService,
    private readonly transactions: TransactionsService,
    events: CsmsEvents,
  ) {
    // After the station has its StartTransaction answer, so it knows the transaction id.
    events.on('transaction', () => setTimeout(() => void this.rebalance(), 100));
  }

  onModuleInit(): void {
    void this.database.whenReady().then(async () => {
      const row = await this.database.get().getRepository(SettingEntity).findOneBy({ key: SETTING_KEY });
      this.current = row ? (JSON.parse(row.value) as SiteLimit | null) : null;
      if (this.current) this.logger.log(`site limit ${this.current.limit} ${this.current.unit}`);
    });
  }

  view(): { limit: number | null; unit: 'W' | 'A'; limit_w: number | null; allocations: Allocation[] } {
    return {
      limit: this.current?.limit ?? null,
      unit: this.current?.unit ?? 'W',
      limit_w: this.current ? this.limitW(this.current) : null,
      allocations: this.allocations,
    };
  }

  async set(limit: SiteLimit | null): Promise<ReturnType<SiteLoadService['view']>> {
    await this.database
      .get()
      .getRepository(SettingEntity)
      .save({ key: SETTING_KEY, value: JSON.stringify(limit) });
    this.current = limit;
    this.logger.log(limit ? `site limit set to ${limit.limit} ${limit.unit}` : 'site limit lifted');
    await (limit ? this.rebalance() : this.lift());
    return this.view();
  }

  /** Re-balances now; calls are queued so two re-balances never interleave. */
  rebalance(): Promise<void> {
    this.queue = this.queue
      .then(() => this.apply())
      .catch((error: Error) => this.logger.error(`re-balance failed: ${error.message}`));
    return this.queue;
  }

  private limitW(limit: SiteLimit): number {
    return limit.unit === 'A' ? ampsToWatts(limit.limit) : limit.limit;
  }

  private async apply(): Promise<void> {
    const limit = this.current;
    if (!limit) return;
    const open = await this.transactions.activeAll();
    const connected = await this.central.connectedAmong([...new Set(open.map((t) => t.stationId))]);
    const active = open.filter((t) => connected.has(t.stationId));
    const stations = new Map<string, StationEntity>();
    for (const tx of active) {
      if (!stations.has(tx.stationId)) {
        const station = await this.database.get().getRepository(StationEntity).findOneBy({ id: tx.stationId });
        if (station) stations.set(tx.stationId, station);
      }
    }
    const shares = allocateFairShare(
      this.limitW(limit),
      active.map((t) => ({
        id: String(t.id),
        minW: this.config.stationMinPowerW,
        maxW: stations.get(t.stationId)?.maxPowerW ?? this.config.stationDefaultMaxPowerW,
      })),
    );
    const previous = new Map(this.allocations.map((a) => [a.transaction_id, a]));
    const stationTotals = new Map<string, number>();
    for (const tx of active) {
      stationTotals.set(tx.stationId, (stationTotals.get(tx.stationId) ?? 0) + (shares.get(String(tx.id)) ?? 0));
    }
    const next: Allocation[] = [];
    for (const tx of active) {
      const limitW = toOcppLimit(shares.get(String(tx.id)) ?? 0);
      const before = previous.get(tx.id);
      if (before && before.limit_w === limitW && before.status === 'applied') {
        next.push(before);
        continue;
      }
      next.push(
        await this.send(tx.stationId, tx.connectorId, tx.id, limitW, toOcppLimit(stationTotals.get(tx.stationId) ?? 0)),
      );
    }
    this.allocations = next;
  }

  private async send(
    stationId: string,
    connectorId: number,
    transactionId: number,
    limitW: number,
    stationTotalW: number,
  ): Promise<Allocation> {
    const base = { station_id: stationId, connector_id: connectorId, transaction_id: transactionId, limit_w: limitW };
    const profile = (purpose: Allocation['sent_as'] & string, limit: number): ChargingProfile => ({
      chargingProfileId: SITE_PROFILE_BASE_ID + (purpose === 'ChargePointMaxProfile' ? 0 : connectorId),
      ...(purpose === 'TxProfile' && { transactionId }),
      stackLevel: SITE_STACK_LEVEL,
      chargingProfilePurpose: purpose,
      chargingProfileKind: 'Absolute',
      chargingSchedule: {
        chargingRateUnit: 'W',
        startSchedule: new Date(Date.now() - 1000).toISOString(),
        chargingSchedulePeriod: [{ startPeriod: 0, limit }],
      },
    });
    try {
      // A station that refuses a TxProfile is capped as a whole (ChargePointMaxProfile at its
      // share of the site); one that refuses that too gets the limit as its connector's default.
      const attempts: [Allocation['sent_as'] & string, number, number][] = [
        ['TxProfile', connectorId, limitW],
        ['ChargePointMaxProfile', 0, stationTotalW],
        ['TxDefaultProfile', connectorId, limitW],
      ];
      let message = '';
      for (const [purpose, connector, limit] of attempts) {
        const result = await this.smartCharging.send(stationId, connector, profile(purpose, limit));
        if (result.status === 'success') return { ...base, sent_as: purpose, status: 'applied' };
        message = result.message;
      }
      return { ...base, sent_as: null, status: 'rejected', message };
    } catch (error) {
      this.logger.warn(
        `${stationId}: site limit not applied to transaction ${transactionId}: ${(error as Error).message}`,
      );
      return { ...base, sent_as: null, status: 'error', message: (error as Error).message };
    }
  }

  /** Without a limit, the profiles the site limit sent are taken back. */
  private async lift(): Promise<void> {
    for (const a of this.allocations) {
      await this.smartCharging
        .clear(a.station_id, {
          profile_id: SITE_PROFILE_BASE_ID + (a.sent_as === 'ChargePointMaxProfile' ? 0 : a.connector_id),
        })
        .catch((error: Error) =>
          this.logger.warn(`${a.station_id}: could not clear the site profile: ${error.message}`),
        );
    }
    this.allocations = [];
  }
}
