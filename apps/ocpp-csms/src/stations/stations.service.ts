import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import { hashSecret, verifySecret } from '@lib/auth';
import { DatabaseConnection } from '@lib/persistence';
import { CSMS_CONFIG } from '../csms.tokens';
import { Brackets } from 'typeorm';
import { IdTagEntity, StationEntity, TransactionEntity } from '../persistence/entities';

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

/** Most station ids GET /stations puts in one query's IN list. */
const MAX_IDS_IN_QUERY = 1000;

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

/** SupportedFeatureProfiles as a list: `Core, SmartCharging` → ['Core', 'SmartCharging']. */
export const featureList = (featureProfiles: string): string[] => featureProfiles.split(',').map((f) => f.trim());

/**
 * Stations and id tags in the database; in memory, what the stations connected to this process
 * report: connector states, and the feature profiles they answered GetConfiguration with.
 */
@Injectable()
export class StationsService {
  private readonly connectors = new Map<string, Map<number, ConnectorState>>();
  private readonly features = new Map<string, string[]>();

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly database: DatabaseConnection,
  ) {}

  private get stations() {
    return this.database.get().getRepository(StationEntity);
  }

  find(id: string): Promise<StationEntity | null> {
    return this.stations.findOneBy({ id });
  }

  async get(id: string): Promise<StationEntity> {
    const station = await this.find(id);
    if (!station) throw new NotFoundException(`Station not found: ${id}`);
    return station;
  }

  list(): Promise<StationEntity[]> {
    return this.stations.find({ order: { id: 'ASC' } });
  }

  /** Every known station's id, in id order. */
  async ids(): Promise<string[]> {
    return (await this.stations.find({ select: { id: true }, order: { id: 'ASC' } })).map((s) => s.id);
  }

  /**
   * The stations whose id, or the id tag of one of their open sessions, contains `q` (any case), or
   * whose id is among `also` (those a status matched), in id order. With `page`, only that slice,
   * and `total` says how many match.
   */
  async matching(
    q: string | undefined,
    also: readonly string[] = [],
    page?: { offset: number; limit: number },
  ): Promise<{ stations: StationEntity[]; total: number }> {
    if (also.length > MAX_IDS_IN_QUERY) {
      // Too many ids for one IN list (SQLite binds at most 32,766 values): matched in memory instead.
      const [byText, all] = await Promise.all([this.matching(q), this.list()]);
      const wanted = new Set([...byText.stations.map((s) => s.id), ...also]);
      const stations = all.filter((s) => wanted.has(s.id));
      return {
        stations: page ? stations.slice(page.offset, page.offset + page.limit) : stations,
        total: stations.length,
      };
    }
    const query = this.stations.createQueryBuilder('s').orderBy('s.id', 'ASC');
    if (q) {
      // `!` escapes LIKE's wildcards the same way on MySQL and SQLite (a backslash does not).
      const pattern = `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      const transactions = this.database.get().getMetadata(TransactionEntity).tableName;
      query.where(
        new Brackets((w) => {
          w.where("LOWER(s.id) LIKE :pattern ESCAPE '!'", { pattern }).orWhere(
            `s.id IN (SELECT t.station_id FROM ${transactions} t WHERE t.stopped_at IS NULL AND LOWER(t.id_tag) LIKE :pattern ESCAPE '!')`,
            { pattern },
          );
          if (also.length > 0) w.orWhere('s.id IN (:...also)', { also });
        }),
      );
    }
    if (!page) {
      const stations = await query.getMany();
      return { stations, total: stations.length };
    }
    const [stations, total] = await query.offset(page.offset).limit(page.limit).getManyAndCount();
    return { stations, total };
  }

  /** The stations with a connector (or connector 0) whose last status, as reported here, passes `test`. */
  withStatus(test: (status: string) => boolean): string[] {
    return [...this.connectors].filter(([, map]) => [...map.values()].some((c) => test(c.status))).map(([id]) => id);
  }

  /** Creates or updates a station an operator registers (with its Basic-auth password, if any). */
  async register(id: string, changes: { password?: string; maxPowerW?: number }): Promise<StationEntity> {
    const existing = await this.find(id);
    const station =
      existing ?? this.stations.create({ id, createdAt: new Date(), numberOfConnectors: 1, registered: true });
    station.registered = true;
    if (changes.password !== undefined) station.passwordHash = await hashSecret(changes.password);
    if (changes.maxPowerW !== undefined) station.maxPowerW = changes.maxPowerW;
    return this.stations.save(station);
  }

  /** Sets or rotates the Basic-auth password of a known station. */
  async setPassword(id: string, password: string): Promise<StationEntity> {
    const station = await this.get(id);
    station.passwordHash = await hashSecret(password);
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
    if (featureProfiles !== null) this.features.set(id, featureList(featureProfiles));
    await this.stations.update(
      { id },
      {
        ...(featureProfiles !== null && { featureProfiles }),
        ...(numberOfConnectors !== null && { numberOfConnectors }),
      },
    );
  }

  /**
   * The feature profiles of a station connected to this process, from its own answer: the hot
   * REST paths (a profile to 1,000 stations) check SmartCharging without a database read. Undefined
   * when the station is not connected here or has not reported them.
   */
  liveFeatures(id: string): string[] | undefined {
    return this.features.get(id);
  }

  /** Forgets what a station told this process, once its connection here has closed. */
  disconnected(id: string): void {
    this.features.delete(id);
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
