import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeviceType } from '@lib/contracts';
import type { AssetState } from '@lib/site-models';

/** A simulated device as stored; runtime state (faults, last reading) is not. */
@Entity({ name: 'iot_devices' })
export class DeviceEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id!: string;
  @Column({ type: 'varchar', length: 32 }) type!: DeviceType;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 200, default: '' }) location!: string;
  @Column({ name: 'base_power_kw', type: 'double' }) basePowerKw!: number;
  @Column({ name: 'base_voltage_v', type: 'double' }) baseVoltageV!: number;
  @Column({ type: 'boolean', default: true }) enabled!: boolean;
  @Column({ name: 'powered_on', type: 'boolean', default: true }) poweredOn!: boolean;
  @Column({ name: 'power_setpoint_kw', type: 'double', nullable: true }) powerSetpointKw!: number | null;
  @Column({ name: 'interval_ms', type: 'int', nullable: true }) intervalMs!: number | null;
  @Column({ name: 'energy_kwh', type: 'double', default: 0 }) energyKwh!: number;
  @Column({
    type: 'bigint',
    default: 0,
    transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
  })
  seq!: number;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  @Column({ name: 'asset_state', type: 'simple-json', nullable: true }) asset!: AssetState | null;
}
