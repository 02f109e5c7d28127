import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export interface TransactionEvent {
  stationId: string;
  transactionId: number;
  kind: 'started' | 'stopped';
}

/** What happens on the OCPP side that other modules react to (the site limit re-balances). */
@Injectable()
export class CsmsEvents extends EventEmitter<{ transaction: [TransactionEvent] }> {}
