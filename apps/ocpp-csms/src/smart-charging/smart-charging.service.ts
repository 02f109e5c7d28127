import { BadRequestException, Inject, Injectable, Logger, UnprocessableEntityException } from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import type { ClearProfileQueryDto, CompositeScheduleQueryDto, TestProfileDto } from '@lib/contracts';
import { DatabaseConnection, insertRows } from '@lib/persistence';
import {
  ChargingProfile,
  CompositeSchedule,
  InstalledProfile,
  compositeSchedule,
  convertLimit,
  energyCapProfile,
  peakShavingProfile,
  timeOfUseProfile,
} from '@lib/ocpp';
import standardValidators from 'ocpp-rpc/lib/standard-validators';
import { CSMS_CONFIG } from '../csms.tokens';
import { CentralSystemService } from '../ocpp/central-system.service';
import { CsmsEvents } from '../ocpp/csms-events';
import { ChargingProfileEntity, StationEntity } from '../persistence/entities';
import type { ChargingProfilesDto } from '@lib/contracts';
import { StationsService, featureList } from '../stations/stations.service';
import { TransactionsService } from '../transactions/transactions.service';

export interface SmartChargingResult {
  status: 'success' | 'rejected' | 'error';
  station_id: string;
  message: string;
}

const ocpp16 = standardValidators.find((v) => v.subprotocol === 'ocpp1.6');

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
}

/** The Smart Charging REST API of document 004, over the central system's OCPP calls. */
@Injectable()
export class SmartChargingService {
  private readonly logger = new Logger('smart-charging');

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly central: CentralSystemService,
    private readonly stations: StationsService,
    private readonly transactions: TransactionsService,
    private readonly database: DatabaseConnection,
    events: CsmsEvents,
  ) {
    // A TxProfile ends with its transaction on the station (OCPP 1.6 §3.13.2); so does our record of it.
    events.on('transaction', (e) => {
      if (e.kind === 'stopped') void this.forgetTransaction(e.stationId, e.transactionId);
    });
  }

  private async forgetTransaction(stationId: string, transactionId: number): Promise<void> {
    try {
      const ended = (await this.profiles.findBy({ stationId, purpose: 'TxProfile' })).filter(
        (p) => p.profile.transactionId === transactionId,
      );
      if (ended.length > 0) await this.profiles.delete(ended.map((p) => p.id));
    } catch (error) {
      this.logger.warn(
        `${stationId}: could not drop the profiles of transaction ${transactionId}: ${(error as Error).message}`,
      );
    }
  }

  private get profiles() {
    return this.database.get().getRepository(ChargingProfileEntity);
  }

  /** 404 for an unknown station; 400 when it reported feature profiles without SmartCharging. */
  async smartChargingStation(stationId: string): Promise<StationEntity> {
    const station = await this.stations.get(stationId);
    if (station.featureProfiles) this.requireSmartCharging(stationId, featureList(station.featureProfiles));
    return station;
  }

  /** As smartChargingStation, from memory when the station is connected here and has reported its features. */
  private async checkSmartCharging(stationId: string): Promise<void> {
    const live = this.stations.liveFeatures(stationId);
    if (live) this.requireSmartCharging(stationId, live);
    else await this.smartChargingStation(stationId);
  }

  private requireSmartCharging(stationId: string, features: string[]): void {
    if (!features.includes('SmartCharging')) {
      throw new BadRequestException(
        `Station ${stationId} does not support SmartCharging (it reports: ${features.join(', ')})`,
      );
    }
  }

  /** Checks a SetChargingProfile against the OCPP 1.6 schema; a 422 names the offending field. */
  validate(connectorId: number, profile: unknown): void {
    try {
      // The 1.6 schemas are synchronous: validate() returns or throws.
      void ocpp16?.validate('urn:SetChargingProfile.req', { connectorId, csChargingProfiles: profile });
    } catch (error) {
      const errors = ((error as { details?: { errors?: AjvError[] } }).details?.errors ?? []).slice(0, 10);
      throw new UnprocessableEntityException({
        detail: errors.map((e) => ({
          type: e.keyword ?? 'value_error',
          loc: [
            'body',
            ...(e.instancePath ?? '')
              .split('/')
              .filter(Boolean)
              .map((s) => (s === 'csChargingProfiles' ? 'profile' : /^\d+$/.test(s) ? Number(s) : s)),
          ],
          msg: `Not a valid OCPP 1.6 charging profile: ${e.message ?? 'invalid'}`,
          input: null,
        })),
      });
    }
  }

  async send(
    stationId: string,
    connectorId: number,
    profile: ChargingProfile,
    /** fencingToken: a site-leader send; the station's replica checks the lease before passing it on. */
    options: { timeoutMs?: number; fencingToken?: number } = {},
  ): Promise<SmartChargingResult & { profile_id: number }> {
    await this.checkSmartCharging(stationId);
    this.validate(connectorId, profile);
    this.logger.log(`sending profile ${profile.chargingProfileId} to ${stationId}, connector ${connectorId}`);
    const answer = await this.central.call<{ status: string }>(
      stationId,
      'SetChargingProfile',
      { connectorId, csChargingProfiles: profile },
      options,
    );
    if (answer.status === 'Accepted') await this.remember(stationId, connectorId, profile);
    return {
      status: answer.status === 'Accepted' ? 'success' : 'rejected',
      station_id: stationId,
      profile_id: profile.chargingProfileId,
      message: `Profile ${profile.chargingProfileId} ${answer.status === 'Accepted' ? 'accepted' : `refused (${answer.status})`} by ${stationId}`,
    };
  }

  /** A new profile replaces one with the same id, or the same purpose and stack level on the connector (OCPP 1.6 §3.13). */
  private async remember(stationId: string, connectorId: number, profile: ChargingProfile): Promise<void> {
    // One plain statement (`?` placeholders suit MySQL and SQLite alike): this runs once per profile
    // sent, and the query builder's per-call work showed in the 1,000-station benchmark.
    await this.profiles.query(
      'DELETE FROM csms_charging_profiles WHERE station_id = ? AND (charging_profile_id = ? OR ' +
        '(connector_id = ? AND purpose = ? AND stack_level = ?))',
      [stationId, profile.chargingProfileId, connectorId, profile.chargingProfilePurpose, profile.stackLevel],
    );
    await insertRows(this.database.get(), ChargingProfileEntity, [
      {
        stationId,
        connectorId,
        chargingProfileId: profile.chargingProfileId,
        purpose: profile.chargingProfilePurpose,
        stackLevel: profile.stackLevel,
        profile,
        sentAt: new Date(),
      },
    ]);
  }

  /** The profiles the CSMS sent this station and still counts as installed (404 for an unknown station). */
  async listInstalled(stationId: string): Promise<ChargingProfilesDto> {
    await this.stations.get(stationId);
    const rows = await this.profiles.find({ where: { stationId }, order: { id: 'ASC' } });
    return {
      station_id: stationId,
      profiles: rows
        .sort(
          (a, b) => a.connectorId - b.connectorId || a.purpose.localeCompare(b.purpose) || a.stackLevel - b.stackLevel,
        )
        .map((p) => ({
          connector_id: p.connectorId,
          charging_profile_id: p.chargingProfileId,
          purpose: p.purpose,
          stack_level: p.stackLevel,
          transaction_id: p.profile.transactionId ?? null,
          sent_at: p.sentAt.toISOString(),
          profile: p.profile as unknown as Record<string, unknown>,
        })),
    };
  }

  async installed(stationId: string): Promise<InstalledProfile[]> {
    return (await this.profiles.find({ where: { stationId }, order: { id: 'ASC' } })).map((p) => ({
      connectorId: p.connectorId,
      profile: p.profile,
    }));
  }

  async composite(
    stationId: string,
    q: CompositeScheduleQueryDto,
  ): Promise<SmartChargingResult & { source: string; schedule: CompositeSchedule | Record<string, unknown> | null }> {
    const station = await this.smartChargingStation(stationId);
    const unit = q.charging_rate_unit ?? 'W';
    if (q.source === 'csms') {
      const active = await this.transactions.active(stationId);
      const schedule = compositeSchedule(await this.installed(stationId), {
        connectorId: q.connector_id,
        start: new Date(),
        durationS: q.duration,
        unit,
        transactions: new Map(active.map((t) => [t.connectorId, { transactionId: t.id, startedAt: t.startedAt }])),
        connectorIds: Array.from({ length: station.numberOfConnectors }, (_, i) => i + 1),
        maxLimit: convertLimit(station.maxPowerW ?? this.config.stationDefaultMaxPowerW, 'W', unit),
      });
      return {
        status: 'success',
        station_id: stationId,
        source: 'csms',
        schedule,
        message: 'Computed from the profiles this CSMS sent',
      };
    }
    const answer = await this.central.call<{
      status: string;
      connectorId?: number;
      scheduleStart?: string;
      chargingSchedule?: Record<string, unknown>;
    }>(stationId, 'GetCompositeSchedule', {
      connectorId: q.connector_id,
      duration: q.duration,
      chargingRateUnit: unit,
    });
    const ok = answer.status === 'Accepted';
    return {
      status: ok ? 'success' : 'rejected',
      station_id: stationId,
      source: 'station',
      schedule: ok
        ? { connectorId: answer.connectorId, scheduleStart: answer.scheduleStart, ...answer.chargingSchedule }
        : null,
      message: ok ? `Composite schedule retrieved from ${stationId}` : `${stationId} refused GetCompositeSchedule`,
    };
  }

  async clear(
    stationId: string,
    q: ClearProfileQueryDto,
    options: { timeoutMs?: number } = {},
  ): Promise<SmartChargingResult & { filters: Record<string, unknown> }> {
    await this.checkSmartCharging(stationId);
    const params = {
      ...(q.profile_id !== undefined && { id: q.profile_id }),
      ...(q.connector_id !== undefined && { connectorId: q.connector_id }),
      ...(q.purpose !== undefined && { chargingProfilePurpose: q.purpose }),
      ...(q.stack_level !== undefined && { stackLevel: q.stack_level }),
    };
    const answer = await this.central.call<{ status: string }>(stationId, 'ClearChargingProfile', params, options);
    if (answer.status === 'Accepted') {
      const stored = await this.profiles.findBy({ stationId });
      const cleared = stored.filter(
        (p) =>
          (q.profile_id === undefined || p.chargingProfileId === q.profile_id) &&
          (q.connector_id === undefined || p.connectorId === q.connector_id) &&
          (q.purpose === undefined || p.purpose === q.purpose) &&
          (q.stack_level === undefined || p.stackLevel === q.stack_level),
      );
      if (cleared.length > 0) await this.profiles.delete(cleared.map((p) => p.id));
    }
    return {
      status: answer.status === 'Accepted' ? 'success' : 'rejected',
      station_id: stationId,
      filters: params,
      message:
        answer.status === 'Accepted'
          ? `Profiles cleared from ${stationId}`
          : `${stationId} had no matching profile (${answer.status})`,
    };
  }

  async testProfile(
    stationId: string,
    dto: TestProfileDto,
  ): Promise<SmartChargingResult & { profile_id: number; scenario: string; profile: ChargingProfile }> {
    const need = (...fields: (keyof TestProfileDto)[]): void => {
      const missing = fields.filter((f) => dto[f] === undefined);
      if (missing.length > 0) throw new BadRequestException(`Scenario ${dto.scenario} needs: ${missing.join(', ')}`);
    };
    const id = await this.nextProfileId(stationId);
    let profile: ChargingProfile;
    let connectorId = dto.connector_id ?? 0;
    switch (dto.scenario) {
      case 'peak_shaving':
        need('max_power_w');
        profile = peakShavingProfile(id, dto.max_power_w ?? 0);
        connectorId = 0;
        break;
      case 'time_of_use':
        need('off_peak_w', 'peak_w', 'peak_start_hour', 'peak_end_hour');
        if (dto.peak_start_hour === dto.peak_end_hour)
          throw new BadRequestException('peak_start_hour and peak_end_hour must differ');
        profile = timeOfUseProfile(id, {
          offPeakW: dto.off_peak_w ?? 0,
          peakW: dto.peak_w ?? 0,
          peakStartHour: dto.peak_start_hour ?? 0,
          peakEndHour: dto.peak_end_hour ?? 0,
        });
        break;
      case 'energy_cap':
        need('transaction_id', 'max_energy_wh', 'duration_seconds', 'power_limit_w');
        profile = energyCapProfile(id, {
          transactionId: dto.transaction_id ?? 0,
          maxEnergyWh: dto.max_energy_wh ?? 0,
          durationS: dto.duration_seconds ?? 1,
          powerLimitW: dto.power_limit_w ?? 0,
        });
        if (connectorId === 0) throw new BadRequestException('energy_cap needs the connector_id of the transaction');
        break;
      default:
        throw new BadRequestException(
          `Invalid scenario "${dto.scenario}"; one of: peak_shaving, time_of_use, energy_cap`,
        );
    }
    const result = await this.send(stationId, connectorId, profile);
    return { ...result, scenario: dto.scenario, profile };
  }

  private async nextProfileId(stationId: string): Promise<number> {
    const stored = await this.profiles.findBy({ stationId });
    return stored.reduce((max, p) => Math.max(max, p.chargingProfileId), 1000) + 1;
  }
}
