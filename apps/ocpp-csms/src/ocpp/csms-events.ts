import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export interface TransactionEvent {
  stationId: string;
  transactionId: number;
  kind: 'started' | 'stopped';
  connectorId: number;
  idTag: string;
  /** The energy register at the stop (Wh); null while the transaction runs. */
  meterStopWh: number | null;
  /** What the transaction took (Wh); null while it runs. */
  energyWh: number | null;
}

export interface MeterEvent {
  stationId: string;
  connectorId: number;
  transactionId: number | null;
  /** For a transaction that is unknown or closed. */
  stray: boolean;
  /** The latest instant of the MeterValues (the station's clock), null when it sent none. */
  at: Date | null;
  /** Of that instant: power drawn (W), energy register (Wh), the EV's SoC (%). */
  powerW: number | null;
  energyWh: number | null;
  socPct: number | null;
  /** The register minus the open transaction's meterStart (Wh). */
  sessionEnergyWh: number | null;
}

/** What happens on the OCPP side that other modules react to (the site limit re-balances, the bus reports). */
@Injectable()
export class CsmsEvents extends EventEmitter<{
  transaction: [TransactionEvent];
  meter: [MeterEvent];
  station: [{ stationId: string; kind: 'connected' | 'disconnected' }];
  /** A StatusNotification was taken. */
  status: [{ stationId: string; connectorId: number }];
}> {}
