import { Inject, Injectable } from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import { CSMS_CONFIG } from '../csms.tokens';

export interface OcppLogEntry {
  timestamp: string;
  direction: 'in' | 'out';
  message: string;
}

const MAX_MESSAGE_CHARS = 4096;

/** The recent OCPP traffic of each station, newest last, for GET /stations/{id}/logs. */
@Injectable()
export class OcppLogService {
  private readonly logs = new Map<string, OcppLogEntry[]>();

  constructor(@Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig) {}

  record(stationId: string, direction: 'in' | 'out', message: string): void {
    let log = this.logs.get(stationId);
    if (!log) this.logs.set(stationId, (log = []));
    log.push({ timestamp: new Date().toISOString(), direction, message: message.slice(0, MAX_MESSAGE_CHARS) });
    if (log.length > this.config.ocpp.logSize) log.splice(0, log.length - this.config.ocpp.logSize);
  }

  recent(stationId: string, limit: number): OcppLogEntry[] {
    return (this.logs.get(stationId) ?? []).slice(-limit);
  }
}
