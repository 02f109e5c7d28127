import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { SolarhubDatabases } from '../storage/databases';
import { AlertEntity, AlertLevel } from '../storage/entities';

/** The alerts raised from telemetry and not yet cleared, oldest first, by level. */
@Injectable()
export class ActiveAlerts {
  constructor(private readonly databases: SolarhubDatabases) {}

  async byLevel(): Promise<Record<AlertLevel, string[]>> {
    const rows = await this.databases
      .source('ess')
      .getRepository(AlertEntity)
      .find({ where: { clearedAt: IsNull() }, order: { raisedAt: 'ASC', id: 'ASC' } });
    const out: Record<AlertLevel, string[]> = { protection: [], warning: [], fault: [] };
    for (const row of rows) out[row.level]?.push(row.message);
    return out;
  }
}
