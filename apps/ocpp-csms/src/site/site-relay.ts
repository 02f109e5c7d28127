import { Injectable } from '@nestjs/common';
import { CsmsEvents, MeterEvent } from '../ocpp/csms-events';
import { StationsService } from '../stations/stations.service';
import { TransactionsService } from '../transactions/transactions.service';
import { SiteLeaderService, SiteRelayEvent } from './site-leader.service';
import { SiteSessionBook } from './site-sessions';

/** What the site plan does with the events of the stations, wherever they are connected. */
export interface SiteEventHandler {
  /** The limit was changed on another replica: read it again and apply it. */
  limitChanged(): void;
  transaction(transactionId: number, stopped: boolean): void;
  meter(e: MeterEvent): void;
  /** A station connected or left. */
  stationChanged(): void;
}

/**
 * The bus between the replicas for the site plan: the events of this replica's stations go to
 * the leader's plan, here when this replica leads, else relayed over Redis (SiteLeaderService's
 * channel); on the leader, what other replicas relay is recorded (their sessions' power, their
 * connectors' status) and handed to the plan.
 */
@Injectable()
export class SiteRelay {
  private handler: SiteEventHandler | null = null;

  constructor(
    private readonly leader: SiteLeaderService,
    private readonly transactions: TransactionsService,
    private readonly stations: StationsService,
    private readonly sessions: SiteSessionBook,
    private readonly events: CsmsEvents,
  ) {}

  /** Starts relaying; `handler` is the plan (on the leader). */
  bind(handler: SiteEventHandler): void {
    this.handler = handler;
    const events = this.events;
    events.on('transaction', (e) => {
      const stopped = e.kind === 'stopped';
      if (!this.leader.isLeader)
        return this.leader.relay({
          kind: 'transaction',
          stationId: e.stationId,
          transactionId: e.transactionId,
          stopped,
        });
      handler.transaction(e.transactionId, stopped);
    });
    events.on('meter', (e) => {
      if (this.leader.isLeader) return handler.meter(e);
      const powerW = e.stray
        ? e.powerW
        : (this.transactions.sessionPower(e.transactionId ?? -1).latest?.powerW ?? null);
      if (powerW === null) return;
      this.leader.relay({
        kind: 'power',
        stationId: e.stationId,
        connectorId: e.connectorId,
        transactionId: e.stray ? null : e.transactionId,
        powerW,
      });
    });
    events.on('station', (e) => {
      if (!this.leader.isLeader)
        return this.leader.relay({ kind: 'station', stationId: e.stationId, connected: e.kind === 'connected' });
      handler.stationChanged();
    });
    events.on('status', (e) => {
      if (this.leader.isLeader) return;
      const status = this.stations.connectorStates(e.stationId).find((c) => c.connectorId === e.connectorId)?.status;
      if (status) this.leader.relay({ kind: 'status', stationId: e.stationId, connectorId: e.connectorId, status });
    });
    this.leader.onRelay((e) => this.onRelay(e));
  }

  /** What another replica's stations did, as the leader hears it. */
  private onRelay(e: SiteRelayEvent): void {
    const handler = this.handler;
    if (!handler) return;
    const now = new Date();
    switch (e.kind) {
      case 'limit':
        return handler.limitChanged();
      case 'transaction':
        return handler.transaction(e.transactionId, e.stopped);
      case 'status':
        return this.sessions.relayedStatus(e.stationId, e.connectorId, e.status);
      case 'station':
        if (!e.connected) this.sessions.forgetStation(e.stationId);
        return handler.stationChanged();
      case 'power':
        if (e.transactionId === null) this.transactions.recordStray(e.stationId, e.connectorId, e.powerW, now);
        else this.transactions.recordPower(e.transactionId, e.powerW, now);
        return handler.meter({
          stationId: e.stationId,
          connectorId: e.connectorId,
          transactionId: e.transactionId,
          stray: e.transactionId === null,
          at: now,
          powerW: e.powerW,
          energyWh: null,
          socPct: null,
          sessionEnergyWh: null,
        });
    }
  }
}
