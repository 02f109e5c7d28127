import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export interface TransactionEvent {
  stationId: string;
  transactionId: number;
  kind: 'started' | 'stopped';
}

export interface MeterEvent {
  stationId: string;
  connectorId: number;
  transactionId: number | null;
  /** For a transaction that is unknown or closed. */
  stray: boolean;
}

/** What happens on the OCPP side that other modules react to (the site limit re-balances). */
@Injectable()
export class CsmsEvents extends EventEmitter<{
  transaction: [TransactionEvent];
  meter: [MeterEvent];
  station: [{ stationId: string; kind: 'connected' | 'disconnected' }];
}> {}
