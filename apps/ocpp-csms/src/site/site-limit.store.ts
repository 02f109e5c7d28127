import { Injectable } from '@nestjs/common';
import { ampsToWatts } from '@lib/ocpp';
import { DatabaseConnection } from '@lib/persistence';
import { SettingEntity } from '../persistence/entities';

export interface SiteLimit {
  limit: number;
  unit: 'W' | 'A';
}

const SETTING_KEY = 'site_charging_limit';

/** The site charging limit, stored in the database (any replica stores it; the leader applies it). */
@Injectable()
export class SiteLimitStore {
  /** The limit as this replica last read or stored it (null: none). */
  current: SiteLimit | null = null;

  constructor(private readonly database: DatabaseConnection) {}

  async load(): Promise<SiteLimit | null> {
    const row = await this.database.get().getRepository(SettingEntity).findOneBy({ key: SETTING_KEY });
    this.current = row ? (JSON.parse(row.value) as SiteLimit | null) : null;
    return this.current;
  }

  async store(limit: SiteLimit | null): Promise<void> {
    await this.database
      .get()
      .getRepository(SettingEntity)
      .save({ key: SETTING_KEY, value: JSON.stringify(limit) });
    this.current = limit;
  }
}

/** The limit in W (a limit in A is three phases at 230 V). */
export const limitInW = (limit: SiteLimit): number => (limit.unit === 'A' ? ampsToWatts(limit.limit) : limit.limit);
