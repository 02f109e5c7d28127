import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { TargetResult } from '../dispatch/dispatch.service';

const numeric = { to: (v: number) => v, from: (v: string | number) => Number(v) };

/** One market interval, stored so `hours_back` and the forecasts survive restarts. */
@Entity({ name: 'gp_prices' })
export class PriceEntity {
  @PrimaryColumn({ type: 'datetime' }) at!: Date;
  @Column({ name: 'energy_price', type: 'double', transformer: numeric }) energyPrice!: number;
  @Column({ name: 'hash_price', type: 'double', transformer: numeric }) hashPrice!: number;
  @Column({ name: 'token_price', type: 'double', transformer: numeric }) tokenPrice!: number;
  @Column({ type: 'double', transformer: numeric }) volume!: number;
  @Column({ type: 'varchar', length: 16 }) source!: string;
}

/** What a dispatch record keeps of the outcome (the `result` of `GET /dispatch/history`). */
export interface DispatchResultColumn {
  message: string;
  /** Net export the plant reported after the dispatch (kW), when it was asked. */
  export_kw: number | null;
  battery_kw: number;
  targets: TargetResult[];
}

/** Every dispatch with what was asked and what each target answered. */
@Entity({ name: 'gp_dispatches' })
export class DispatchEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  /** api, cycle or control */
  @Column({ type: 'varchar', length: 16 }) origin!: string;
  /** success, partial, unreachable, failed or simulated */
  @Column({ type: 'varchar', length: 16 }) status!: string;
  @Column({ name: 'constraints_satisfied', type: 'boolean' }) constraintsSatisfied!: boolean;
  @Column({ name: 'total_power_kw', type: 'double', transformer: numeric }) totalPowerKw!: number;
  @Column({ type: 'simple-json' }) allocation!: Record<string, number>;
  @Column({ type: 'simple-json' }) result!: DispatchResultColumn;
}

export const GRIDPILOT_ENTITIES = [PriceEntity, DispatchEntity];
