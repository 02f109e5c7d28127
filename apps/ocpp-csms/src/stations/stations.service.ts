import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { OcppCsmsConfig } from '@lib/config';
import { hashSecret, verifySecret } from '@lib/auth';
import { DatabaseConnection } from '@lib/persistence';
import { CSMS_CONFIG } from '../csms.tokens';
import { IdTagEntity, StationEntity } from '../persistence/entities';

export interface ConnectorState {
  connectorId: number;
  status: string;
  errorCode: string;
  updatedAt: string;
}

export interface BootInfo {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string;
  firmwareVersion?: string;
}

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

/** Stations and id tags in the database; connector states in memory, as the stations report them. */
const RECENT_MS = 2000;

@Injectable()
export class StationsService {
  private readonly connectors = new Map<string, Map<number, ConnectorState>>();

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly database: DatabaseConnection,
  ) {}

  private readonly recent = new Map<string, { station: StationEntity; at: number }>();

  private get stations() {
    return this.database.get().getRepository(StationEntity);
  }

  find(id: string): Promise<StationEntity | null> {
    return this.stations.findOneBy({ id });
  }

  /**
   * The station as read at most `RECENT_MS` ago: for the hot REST paths (a profile to 1,000
   * stations reads each one). This process's own writes drop the entry at once; another replica's
   * are seen within RECENT_MS.
   */
  async getRecent(id: string): Promise<StationEntity> {
    const hit = this.recent.get(id);
    if (hit && Date.now() - hit.at < RECENT_MS) return hit.station;
    const station = await this.get(id);
    this.recent.set(id, { station, at: Date.now() });
    return station;
  }

  async get(id: string): Promise<StationEntity> {
    const station = await this.find(id);
    if (!station) throw new NotFoundException(`Station not found: ${id}`);
    return station;
  }

  list(): Promise<StationEntity[]> {
    return this.stations.find({ order: { id: 'ASC' } });
  }

  /** Creates or updates a station an operator registers (with its Basic-auth password, if any). */
  async register(id: string, changes: { password?: string; maxPowerW?: number }): Promise<StationEntity> {
    this.recent.delete(id);
    const existing = await this.find(id);
    const station =
      existing ?? this.stations.create({ id, createdAt: new Date(), numberOfConnectors: 1, registered: true });
    station.registered = true;
    if (changes.password !== undefined) station.passwordHash = await hashSecret(changes.password);
    if (changes.maxPowerW !== undefined) station.maxPowerW = changes.maxPowerW;
    return this.stations.save(station);
  }

  /** Whether a station may connect: known, or unknown while the policy accepts (and records) it. */
  async admit(
    id: string,
    password: Buffer | undefined,
  ): Promise<{ ok: true } | { ok: false; code: number; reason: string }> {
    const station = await this.find(id);
    if (this.config.ocpp.securityProfile === 1) {
      if (!station?.passwordHash || !password) return { ok: false, code: 401, reason: 'Unauthorized' };
      if (!(await verifySecret(password.toString('utf8'), station.passwordHash)))
        return { ok: false, code: 401, reason: 'Unauthorized' };
      return { ok: true };
    }
    if (!station && !this.config.ocpp.acceptUnknownStations) return { ok: false, code: 404, reason: 'Unknown station' };
    return { ok: true };
  }

  /** Records a BootNotification; an unknown station is recorded as not registered by an operator. */
  async boot(id: string, info: BootInfo): Promise<StationEntity> {
    this.recent.delete(id);
    const station =
      (await this.find(id)) ??
      this.stations.create({ id, createdAt: new Date(), numberOfConnectors: 1, registered: false });
    Object.assign(station, {
      vendor: info.chargePointVendor,
      model: info.chargePointModel,
      serialNumber: info.chargePointSerialNumber ?? null,
      firmwareVersion: info.firmwareVersion ?? null,
      lastBootAt: new Date(),
    });
    return this.stations.save(station);
  }

  async setCapabilities(id: string, featureProfiles: string | null, numberOfConnectors: number | null): Promise<void> {
    this.recent.delete(id);
    await this.stations.update(
      { id },
      {
        ...(featureProfiles !== null && { featureProfiles }),
        ...(numberOfConnectors !== null && { numberOfConnectors }),
      },
    );
  }

  setConnector(stationId: string, state: ConnectorState): void {
    let map = this.connectors.get(stationId);
    if (!map) this.connectors.set(stationId, (map = new Map<number, ConnectorState>()));
    map.set(state.connectorId, state);
  }

  connectorStates(stationId: string): ConnectorState[] {
    return [...(this.connectors.get(stationId)?.values() ?? [])].sort((a, b) => a.connectorId - b.connectorId);
  }

  /** idTagInfo for Authorize and StartTransaction, recording unknown tags when the policy accepts them. */
  async authorize(idTag: string): Promise<{ status: IdTagStatus; expiryDate?: string }> {
    const tags = this.database.get().getRepository(IdTagEntity);
    const tag = await tags.findOneBy({ idTag });
    if (!tag) {
      if (!this.config.ocpp.acceptUnknownIdTags) return { status: 'Invalid' };
      await tags.save(tags.create({ idTag, status: 'Accepted', expiryDate: null, createdAt: new Date() }));
      return { status: 'Accepted' };
    }
    if (tag.expiryDate && tag.expiryDate.getTime() < Date.now())
      return { status: 'Expired', expiryDate: tag.expiryDate.toISOString() };
    return { status: tag.status as IdTagStatus, ...(tag.expiryDate && { expiryDate: tag.expiryDate.toISOString() }) };
  }

  async saveIdTag(idTag: string, status: IdTagStatus, expiryDate: Date | null): Promise<IdTagEntity> {
    const tags = this.database.get().getRepository(IdTagEntity);
    return tags.save(tags.create({ idTag, status, expiryDate, createdAt: new Date() }));
  }
}
