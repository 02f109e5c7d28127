import { Inject, Injectable } from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import type { SiteAllocationDto } from '@lib/contracts';
import { In } from 'typeorm';
import { DatabaseConnection } from '@lib/persistence';
import { CSMS_CONFIG } from '../csms.tokens';
import { CentralSystemService } from '../ocpp/central-system.service';
import { StationEntity, TransactionEntity } from '../persistence/entities';
import { StationsService } from '../stations/stations.service';
import { TransactionsService } from '../transactions/transactions.service';
import type { PlanSession, SessionState } from './site-plan';
import { StationControlBook } from './station-control';

const NOT_CHARGING = new Set(['Available', 'Finishing', 'Faulted', 'Unavailable', 'Reserved']);

/** The open sessions as the planner takes them, and what flows that it cannot steer. */
export interface SiteSessions {
  /** Sessions of connected stations, earliest first. */
  sessions: PlanSession[];
  byTx: Map<number, TransactionEntity>;
  /** Sessions of stations not connected that drew lately: counted, not steered. */
  disconnected: SiteAllocationDto[];
  /** Stray readings and the draw of disconnected sessions (W). */
  otherUncontrolledW: number;
}

/**
 * The site plan's view of the sessions and their power: the open transactions, whether their
 * station is connected (on any replica), the connector status (here, or as relayed by the
 * station's replica), what each drew last, and whether it charges, idles or does not charge.
 */
@Injectable()
export class SiteSessionBook {
  /** Connector statuses of stations on other replicas, as relayed to the leader. */
  private readonly remoteStatus = new Map<string, string>();

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly database: DatabaseConnection,
    private readonly central: CentralSystemService,
    private readonly transactions: TransactionsService,
    private readonly stations: StationsService,
    private readonly control: StationControlBook,
  ) {}

  /** A connector status relayed by the replica holding the station. */
  relayedStatus(stationId: string, connectorId: number, status: string): void {
    this.remoteStatus.set(`${stationId}/${connectorId}`, status);
  }

  /** A station left its replica: its relayed statuses go. */
  forgetStation(stationId: string): void {
    for (const key of this.remoteStatus.keys()) if (key.startsWith(`${stationId}/`)) this.remoteStatus.delete(key);
  }

  /** What the session drew last (W), or 0. */
  drawnW(transactionId: number): number {
    return this.transactions.sessionPower(transactionId).latest?.powerW ?? 0;
  }

  async collect(now: number): Promise<SiteSessions> {
    const open = await this.transactions.activeAll();
    const stationIds = [...new Set(open.map((t) => t.stationId))];
    const connected = await this.central.connectedAmong(stationIds);
    const entities =
      stationIds.length > 0
        ? await this.database
            .get()
            .getRepository(StationEntity)
            .findBy({ id: In(stationIds) })
        : [];
    const maxW = (id: string): number =>
      entities.find((s) => s.id === id)?.maxPowerW ?? this.config.stationDefaultMaxPowerW;
    const freshSince = new Date(now - this.config.site.idleAfterS * 1000);
    let otherUncontrolledW = [...this.transactions.strayPower(freshSince).values()].reduce((s, r) => s + r.powerW, 0);
    const sessions: PlanSession[] = [];
    const disconnected: SiteAllocationDto[] = [];
    const byTx = new Map<number, TransactionEntity>();
    for (const tx of open) {
      const latest = this.transactions.sessionPower(tx.id).latest;
      if (!connected.has(tx.stationId)) {
        // Not steerable now; what it drew lately still flows through the fuse.
        if (latest && latest.at >= freshSince) {
          otherUncontrolledW += latest.powerW;
          disconnected.push({
            station_id: tx.stationId,
            connector_id: tx.connectorId,
            transaction_id: tx.id,
            limit_w: latest.powerW,
            sent_as: null,
            status: 'disconnected',
            state: 'charging',
            measured_w: latest.powerW,
          });
        }
        continue;
      }
      byTx.set(tx.id, tx);
      sessions.push({
        transactionId: tx.id,
        stationId: tx.stationId,
        controllable: this.control.steerable(tx.stationId, now),
        state: this.sessionState(tx, now),
        measuredW: latest?.powerW ?? null,
        maxW: maxW(tx.stationId),
      });
    }
    return { sessions, byTx, disconnected, otherUncontrolledW };
  }

  private sessionState(tx: TransactionEntity, now: number): SessionState {
    const status =
      this.stations.connectorStates(tx.stationId).find((c) => c.connectorId === tx.connectorId)?.status ??
      this.remoteStatus.get(`${tx.stationId}/${tx.connectorId}`);
    if (status && NOT_CHARGING.has(status)) return 'not_charging';
    if (status === 'SuspendedEV') return 'idle';
    const { lastDrawAt } = this.transactions.sessionPower(tx.id);
    const since = lastDrawAt ?? tx.startedAt;
    return now - since.getTime() > this.config.site.idleAfterS * 1000 ? 'idle' : 'charging';
  }
}
