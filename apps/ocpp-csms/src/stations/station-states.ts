import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
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
/** Connectors 0…7 are looked at for readings even before they report a status. */
const METERED_CONNECTORS = 8;
/** How long a list waits for another replica's answer before it shows those stations without state. */
const ASK_TIMEOUT_MS = 2000;

/**
 * Connector status and latest readings live in the memory of the replica that holds the station's
 * WebSocket. With several replicas (REDIS_URL), the lists and a station's page ask the holders,
 * one request per replica for all its stations at once, so every replica answers with the whole
 * site. A replica that does not answer in time leaves its stations without state (not an error).
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
      const ids = Array.isArray(params.ids) ? params.ids.filter((id): id is string => typeof id === 'string') : [];
      return Promise.resolve({ states: Object.fromEntries(ids.map((id) => [id, this.local(id)])) });
    });
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
    const owners = this.router.enabled
      ? await this.router.ownerOf(stationIds)
      : new Map(stationIds.map((id) => [id, this.router.instanceId]));
    const byOwner = new Map<string, string[]>();
    for (const [id, owner] of owners) {
      if (owner === this.router.instanceId) states.set(id, this.local(id));
      else byOwner.set(owner, [...(byOwner.get(owner) ?? []), id]);
    }
    await Promise.all(
      [...byOwner].map(async ([owner, ids]) => {
        try {
          const answer = await this.router.ask(owner, ASK, { ids }, ASK_TIMEOUT_MS);
          const remote = (answer.states ?? {}) as Record<string, StationState>;
          for (const id of ids) if (remote[id]) states.set(id, remote[id]);
        } catch (error) {
          this.logger.warn(`replica ${owner} did not tell its stations' state: ${(error as Error).message}`);
        }
      }),
    );
    return states;
  }
}
