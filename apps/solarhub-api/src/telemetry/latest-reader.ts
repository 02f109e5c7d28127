import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { bessDomain } from '../solarhub-api.config';
import {
  BessReadingEntity,
  InverterReadingEntity,
  MeterReadingEntity,
  PcsReadingEntity,
  RackReadingEntity,
} from '../storage/entities';
import { SolarhubDatabases } from '../storage/databases';
import { LatestKind, LatestStore } from '../storage/latest-store';
import type { BessLatest, InverterRow, MeterRow, PcsRow, RackRow } from './records';

export interface Latest<T> {
  value: T | null;
  /** Where the value came from: Redis, or the database when Redis is away or lacks it. */
  source: 'redis' | 'database';
}

/** Strips the history row id, so database rows look like the values kept in Redis. */
function withoutId<T extends { id: unknown }>(row: T | null): Omit<T, 'id'> | null {
  if (!row) return null;
  const copy: Partial<T> = { ...row };
  delete copy.id;
  return copy as Omit<T, 'id'>;
}

/** Latest value per unit: from Redis, falling back to the newest history row. */
@Injectable()
export class LatestReader {
  constructor(
    private readonly store: LatestStore,
    private readonly databases: SolarhubDatabases,
  ) {}

  async bess(unit: number): Promise<Latest<BessLatest>> {
    return (await this.many<BessLatest>('bess', [unit], async ([n]) => [await this.bessFromDb(n)]))[0];
  }

  async pcs(units: number[]): Promise<Latest<PcsRow>[]> {
    return this.many<PcsRow>('pcs', units, (missing) =>
      this.newest(this.databases.source('pcs'), PcsReadingEntity, 'pcsNumber', missing),
    );
  }

  async meters(units: number[]): Promise<Latest<MeterRow>[]> {
    return this.many<MeterRow>('meter', units, (missing) =>
      this.newest(this.databases.source('meter'), MeterReadingEntity, 'meterId', missing),
    );
  }

  async inverters(units: number[]): Promise<Latest<InverterRow>[]> {
    return this.many<InverterRow>('inverter', units, (missing) =>
      this.newest(this.databases.source('inverter'), InverterReadingEntity, 'inverterNumber', missing),
    );
  }

  async allBess(count: number): Promise<Latest<BessLatest>[]> {
    const units = Array.from({ length: count }, (_, i) => i + 1);
    return this.many<BessLatest>('bess', units, (missing) => Promise.all(missing.map((n) => this.bessFromDb(n))));
  }

  private async many<T>(
    kind: LatestKind,
    units: number[],
    fromDb: (missing: number[]) => Promise<(T | null)[]>,
  ): Promise<Latest<T>[]> {
    const cached = await this.store.getMany<T>(kind, units);
    const out: Latest<T>[] = units.map((_, i) => ({ value: cached?.[i] ?? null, source: 'redis' }));
    const missing = units.filter((_, i) => out[i].value === null);
    if (missing.length === 0) return out;
    const found = await fromDb(missing);
    for (const [j, unit] of missing.entries()) out[units.indexOf(unit)] = { value: found[j], source: 'database' };
    return out;
  }

  private async newest<E extends { id: unknown; ts: number }>(
    source: DataSource,
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    entity: Function & { prototype: E },
    unitField: keyof E & string,
    units: number[],
  ): Promise<(Omit<E, 'id'> | null)[]> {
    const repo = source.getRepository<E>(entity);
    return Promise.all(
      units.map(async (unit) =>
        withoutId(
          await repo
            .createQueryBuilder('r')
            .where(`r.${unitField} = :unit`, { unit })
            .orderBy('r.ts', 'DESC')
            .limit(1)
            .getOne(),
        ),
      ),
    );
  }

  private async bessFromDb(unit: number): Promise<BessLatest | null> {
    const source = this.databases.source(bessDomain(unit));
    const [row] = await this.newest(source, BessReadingEntity, 'bessNumber', [unit]);
    if (!row) return null;
    const racks = await source.getRepository(RackReadingEntity).find({
      where: { deviceId: row.deviceId, seq: row.seq },
      order: { rackNumber: 'ASC' },
    });
    return { ...row, racks: racks.map((r) => withoutId(r) as RackRow) };
  }
}
