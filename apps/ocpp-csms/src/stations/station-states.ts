import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CHARGE_POINT_STATUSES } from '@lib/contracts';
import { StationRouter } from '../ocpp/station-router';
import { LatestMeter, TransactionsService } from '../transactions/transactions.service';
import { ConnectorState, StationsService } from './stations.service';

/** What the replica holding a station's socket knows of it: connector states and latest readings. */
export interface StationState {
  connectors: ConnectorState[];
  /** The latest MeterValues per connector id. */
  meters: Record<number, LatestMeter>;
}

const ASK = 'station-states';
const ASK_STATUS_LIKE = 'stations-with-status-like';

/** Whether `needle` is part of an OCPP status word (any case): only then can a connector's status contain it. */
const partOfAStatus = (needle: string): boolean =>
  CHARGE_POINT_STATUSES.some((word) => word.toLowerCase().includes(needle.toLowerCase()));

const stringsIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** Connectors 0…7 are looked at for readings even before they report a status. */
const METERED_CONNECTORS = 8;
/** How long a list waits for another replica's answer before it shows those stations without state. */
const ASK_TIMEOUT_MS = 2000;

/**
 * Connector status and latest readings live in the memory of the replica that holds the station's
 * WebSocket. With several replicas (REDIS_URL), the lists (status filter and order, a status word
 * in the search) and a station's page ask the holders, one request per replica for all its
 * stations at once, so every replica answers with the whole site. A replica that does not answer
 * in time leaves its stations without state (not an error).
 */
@Injectable()
export class StationStates implements OnModuleInit {
  private readonly logger = new Logger('station-states');

  constructor(
    private readonly router: StationRouter,
    private readonly stations: StationsService,
    private readonly transactions: TransactionsService,
  ) {}

  onModuleInit(): void {
    this.router.answer(ASK, (params) => {
      const ids = stringsIn(params.ids);
      return Promise.resolve({ states: Object.fromEntries(ids.map((id) => [id, this.local(id)])) });
    });
    this.router.answer(ASK_STATUS_LIKE, (params) => {
      const needle = typeof params.needle === 'string' ? params.needle : '';
      return Promise.resolve({ ids: this.localWithStatusLike(needle, stringsIn(params.ids)) });
    });
  }

  /** Of these stations, those whose connectors, as reported to this replica, have a status containing `needle`. */
  private localWithStatusLike(needle: string, stationIds: string[]): string[] {
    const lower = needle.toLowerCase();
    const wanted = new Set(stationIds);
    return this.stations.withStatus((status) => status.toLowerCase().includes(lower)).filter((id) => wanted.has(id));
  }

  /** What this replica knows of a station (nothing unless it holds its socket). */
  local(stationId: string): StationState {
    const connectors = this.stations.connectorStates(stationId);
    const meters: Record<number, LatestMeter> = {};
    // Readings may come from a connector that has not reported a status yet.
    const ids = new Set([
      ...connectors.map((c) => c.connectorId),
      ...Array.from({ length: METERED_CONNECTORS }, (_, i) => i),
    ]);
    for (const connectorId of ids) {
      const latest = this.transactions.latestMeter(stationId, connectorId);
      if (latest) meters[connectorId] = latest;
    }
    return { connectors, meters };
  }

  /** The state of each of these stations that is connected somewhere, from the replica holding it. */
  async of(stationIds: string[]): Promise<Map<string, StationState>> {
    const states = new Map<string, StationState>();
    // Without Redis every station is this replica's to describe (its last known state).
    const { own, others } = holders(
      this.router.enabled
        ? await this.router.ownerOf(stationIds)
        : new Map(stationIds.map((id) => [id, this.router.instanceId])),
      this.router.instanceId,
    );
    for (const id of own) states.set(id, this.local(id));
    await Promise.all(
      [...others].map(async ([owner, ids]) => {
        const answer = await this.ask(owner, ASK, { ids });
        const remote = (answer?.states ?? {}) as Record<string, StationState>;
        for (const id of ids) if (remote[id]) states.set(id, remote[id]);
      }),
    );
    return states;
  }

  /**
   * The stations connected anywhere with a connector whose status contains `needle` (any case):
   * the `q` search by status word, answered by every replica holding some of them. Text that is
   * part of no status word reads nothing.
   */
  async withStatusLike(needle: string): Promise<string[]> {
    if (!partOfAStatus(needle)) return [];
    // Only the stations connected somewhere: a status heard before a station left is not its status.
    const { own, others } = holders(await this.router.ownerOf(await this.stations.ids()), this.router.instanceId);
    const found = this.localWithStatusLike(needle, own);
    await Promise.all(
      [...others].map(async ([owner, ids]) => {
        const answer = await this.ask(owner, ASK_STATUS_LIKE, { needle, ids });
        const theirs = new Set(ids);
        found.push(...stringsIn(answer?.ids).filter((id) => theirs.has(id)));
      }),
    );
    return found;
  }

  /** Another replica's answer, or null (logged) when it does not answer in time. */
  private async ask(
    owner: string,
    method: string,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null> {
    try {
      return await this.router.ask(owner, method, params, ASK_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn(`replica ${owner} did not answer ${method}: ${(error as Error).message}`);
      return null;
    }
  }
}

/** The stations `self` holds, and those each other replica holds. */
function holders(owners: Map<string, string>, self: string): { own: string[]; others: Map<string, string[]> } {
  const own: string[] = [];
  const others = new Map<string, string[]>();
  for (const [id, owner] of owners) {
    if (owner === self) {
      own.push(id);
      continue;
    }
    const theirs = others.get(owner);
    if (theirs) theirs.push(id);
    else others.set(owner, [id]);
  }
  return { own, others };
}
