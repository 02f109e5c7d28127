import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** BIGINT comes back from MySQL as a string; our epoch-millisecond columns are plain numbers. */
const bigint = { to: (v: number) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };
const double = { type: 'double' } as const;

// ess: users, roles, sessions and alerts

@Entity({ name: 'sh_users' })
export class UserEntity {
  @PrimaryGeneratedColumn({ type: 'int' }) id!: number;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 80 }) username!: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) email!: string | null;
  /** argon2id, PHC string. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 }) passwordHash!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ name: 'confirmed_at', type: 'datetime', nullable: true }) confirmedAt!: Date | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
}

@Entity({ name: 'sh_roles' })
export class RoleEntity {
  @PrimaryGeneratedColumn({ type: 'int' }) id!: number;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 80 }) name!: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) description!: string | null;
}

@Entity({ name: 'sh_user_roles' })
export class UserRoleEntity {
  @PrimaryColumn({ name: 'user_id', type: 'int' }) userId!: number;
  @PrimaryColumn({ name: 'role_id', type: 'int' }) roleId!: number;
}

/** One refresh token; a login starts a family, each refresh adds one and marks the old one used. */
@Entity({ name: 'sh_refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) jti!: string;
  @Index() @Column({ name: 'family_id', type: 'varchar', length: 36 }) familyId!: string;
  @Column({ name: 'user_id', type: 'int' }) userId!: number;
  @Column({ name: 'expires_at', type: 'datetime' }) expiresAt!: Date;
  @Column({ name: 'used_at', type: 'datetime', nullable: true }) usedAt!: Date | null;
  @Column({ name: 'revoked_at', type: 'datetime', nullable: true }) revokedAt!: Date | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
}

/** A named, scoped, revocable long-lived token for a machine client; the token itself is never stored. */
@Entity({ name: 'sh_service_tokens' })
export class ServiceTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 80 }) name!: string;
  @Column({ type: 'varchar', length: 16 }) role!: string;
  /** Comma-separated apps the token is limited to; null: every app. */
  @Column({ type: 'varchar', length: 255, nullable: true }) apps!: string | null;
  @Column({ name: 'created_by', type: 'varchar', length: 80 }) createdBy!: string;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  @Column({ name: 'expires_at', type: 'datetime' }) expiresAt!: Date;
  @Column({ name: 'revoked_at', type: 'datetime', nullable: true }) revokedAt!: Date | null;
}

export type AlertLevel = 'protection' | 'warning' | 'fault';

/** An alarm seen in telemetry: raised when it appears, cleared when it goes. */
@Entity({ name: 'sh_alerts' })
@Index(['clearedAt'])
export class AlertEntity {
  @PrimaryGeneratedColumn({ type: 'int' }) id!: number;
  /** BESS1, BESS1 rack03, PCS2, Meter1, Inverter1 */
  @Column({ type: 'varchar', length: 32 }) source!: string;
  @Column({ type: 'varchar', length: 64 }) code!: string;
  @Column({ type: 'varchar', length: 16 }) level!: AlertLevel;
  @Column({ type: 'varchar', length: 255 }) message!: string;
  @Column({ name: 'raised_at', type: 'datetime' }) raisedAt!: Date;
  @Column({ name: 'cleared_at', type: 'datetime', nullable: true }) clearedAt!: Date | null;
}

// telemetry history: one row per (device, seq); `ts` is epoch milliseconds

@Entity({ name: 'sh_bess_readings' })
@Index(['deviceId', 'seq'], { unique: true })
@Index(['bessNumber', 'ts'])
export class BessReadingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'bess_number', type: 'int' }) bessNumber!: number;
  @Column({ name: 'device_id', type: 'varchar', length: 64 }) deviceId!: string;
  @Column({ type: 'bigint', transformer: bigint }) seq!: number;
  @Column({ type: 'bigint', transformer: bigint }) ts!: number;
  @Column({ type: 'varchar', length: 16 }) mode!: string;
  @Column({ name: 'soc_pct', ...double }) socPct!: number;
  @Column({ name: 'power_kw', ...double }) powerKw!: number;
  @Column({ name: 'capacity_kwh', ...double }) capacityKwh!: number;
  @Column({ name: 'charge_energy_kwh', ...double }) chargeEnergyKwh!: number;
  @Column({ name: 'discharge_energy_kwh', ...double }) dischargeEnergyKwh!: number;
}

@Entity({ name: 'sh_rack_readings' })
@Index(['deviceId', 'seq', 'rackNumber'], { unique: true })
@Index(['bessNumber', 'ts'])
export class RackReadingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'bess_number', type: 'int' }) bessNumber!: number;
  @Column({ name: 'rack_number', type: 'varchar', length: 8 }) rackNumber!: string;
  @Column({ name: 'device_id', type: 'varchar', length: 64 }) deviceId!: string;
  @Column({ type: 'bigint', transformer: bigint }) seq!: number;
  @Column({ type: 'bigint', transformer: bigint }) ts!: number;
  @Column({ type: 'varchar', length: 16 }) mode!: string;
  @Column(double) voltage!: number;
  @Column(double) current!: number;
  @Column({ name: 'soc_pct', ...double }) socPct!: number;
  @Column({ name: 'temperature_c', ...double }) temperatureC!: number;
  /** RACK_ALARMS as bits: over_temperature 1, under_voltage 2, over_voltage 4, cell_imbalance 8. */
  @Column({ name: 'alarm_bits', type: 'int' }) alarmBits!: number;
}

@Entity({ name: 'sh_pcs_readings' })
@Index(['deviceId', 'seq'], { unique: true })
@Index(['pcsNumber', 'ts'])
export class PcsReadingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'pcs_number', type: 'int' }) pcsNumber!: number;
  @Column({ name: 'device_id', type: 'varchar', length: 64 }) deviceId!: string;
  @Column({ type: 'bigint', transformer: bigint }) seq!: number;
  @Column({ type: 'bigint', transformer: bigint }) ts!: number;
  @Column({ type: 'varchar', length: 16 }) mode!: string;
  @Column({ name: 'power_kw', ...double }) powerKw!: number;
  @Column({ name: 'reactive_power', ...double }) reactivePower!: number;
  @Column({ name: 'dc_voltage', ...double }) dcVoltage!: number;
  @Column({ name: 'inverter_status', type: 'int' }) inverterStatus!: number;
  @Column({ name: 'inverter_inhibits1_status', type: 'int' }) inverterInhibits1Status!: number;
  @Column({ name: 'environment_status', type: 'int' }) environmentStatus!: number;
  @Column({ name: 'warning_status', type: 'int' }) warningStatus!: number;
  @Column({ name: 'grid_status', type: 'int' }) gridStatus!: number;
  @Column({ name: 'fault_status1', type: 'int' }) faultStatus1!: number;
  @Column({ name: 'fault_status2', type: 'int' }) faultStatus2!: number;
}

@Entity({ name: 'sh_meter_readings' })
@Index(['deviceId', 'seq'], { unique: true })
@Index(['meterId', 'ts'])
export class MeterReadingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'meter_id', type: 'int' }) meterId!: number;
  @Column({ name: 'device_id', type: 'varchar', length: 64 }) deviceId!: string;
  @Column({ type: 'bigint', transformer: bigint }) seq!: number;
  @Column({ type: 'bigint', transformer: bigint }) ts!: number;
  @Column({ name: 'phase_a_current', ...double }) phaseACurrent!: number;
  @Column({ name: 'phase_b_current', ...double }) phaseBCurrent!: number;
  @Column({ name: 'phase_c_current', ...double }) phaseCCurrent!: number;
  @Column({ name: 'phase_a_voltage', ...double }) phaseAVoltage!: number;
  @Column({ name: 'phase_b_voltage', ...double }) phaseBVoltage!: number;
  @Column({ name: 'phase_c_voltage', ...double }) phaseCVoltage!: number;
  @Column({ name: 'active_power', ...double }) activePower!: number;
  @Column({ name: 'reactive_power', ...double }) reactivePower!: number;
  @Column({ name: 'apparent_power', ...double }) apparentPower!: number;
  @Column(double) frequency!: number;
  @Column({ name: 'power_factor', ...double }) powerFactor!: number;
  /** The meter's import register (kWh). */
  @Column({ name: 'energy_kwh', ...double }) energyKwh!: number;
}

@Entity({ name: 'sh_inverter_readings' })
@Index(['deviceId', 'seq'], { unique: true })
@Index(['inverterNumber', 'ts'])
export class InverterReadingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'inverter_number', type: 'int' }) inverterNumber!: number;
  @Column({ name: 'device_id', type: 'varchar', length: 64 }) deviceId!: string;
  @Column({ type: 'bigint', transformer: bigint }) seq!: number;
  @Column({ type: 'bigint', transformer: bigint }) ts!: number;
  @Column({ name: 'nominal_active_power', ...double }) nominalActivePower!: number;
  @Column({ name: 'total_active_power', ...double }) totalActivePower!: number;
  @Column({ name: 'total_apparent_power', ...double }) totalApparentPower!: number;
  @Column({ name: 'total_reactive_power', ...double }) totalReactivePower!: number;
  @Column({ name: 'daily_power_yields', ...double }) dailyPowerYields!: number;
  @Column({ name: 'total_power_yields', ...double }) totalPowerYields!: number;
  @Column({ name: 'internal_temperature', ...double }) internalTemperature!: number;
  @Column({ name: 'bus_voltage', ...double }) busVoltage!: number;
  @Column({ name: 'dc_power', ...double }) dcPower!: number;
  /** MPPT, string and phase readings as JSON (InverterDetail). */
  @Column({ type: 'text' }) detail!: string;
}

// baseline and schedule

/** The frequency and power the site committed to, per interval (epoch ms). */
@Entity({ name: 'sh_frequency_baseline' })
export class FrequencyBaselineEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigint }) ts!: number;
  @Column({ name: 'frequency_hz', ...double }) frequencyHz!: number;
  @Column({ name: 'power_kw', ...double }) powerKw!: number;
}

export const SCHEDULE_MODES = ['dreg', 'edreg', 'test_mode', 'step', 'scan', 'full_power'] as const;
export type ScheduleMode = (typeof SCHEDULE_MODES)[number];

/** An ancillary-service award: capacity (MW) and power (MW) at a price ($/MWh) for a time slot. */
@Entity({ name: 'sh_schedule_events' })
@Index(['timeStart', 'mode'], { unique: true })
export class ScheduleEventEntity {
  @PrimaryGeneratedColumn({ type: 'int' }) id!: number;
  @Column({ type: 'varchar', length: 16 }) mode!: ScheduleMode;
  @Column({ name: 'time_number', type: 'int' }) timeNumber!: number;
  @Column({ name: 'time_start', type: 'datetime' }) timeStart!: Date;
  @Column({ name: 'time_end', type: 'datetime' }) timeEnd!: Date;
  @Column({ name: 'time_date', type: 'datetime' }) timeDate!: Date;
  @Column({ name: 'is_get', type: 'boolean' }) isGet!: boolean;
  @Column({ type: 'boolean' }) interrupt!: boolean;
  @Column({ name: 'quote_capacity', ...double }) quoteCapacity!: number;
  @Column(double) power!: number;
  @Column(double) price!: number;
  @Column({ name: 'quote_price', ...double }) quotePrice!: number;
  @Column({ name: 'quote_code', type: 'varchar', length: 32, nullable: true }) quoteCode!: string | null;
  @Column({ type: 'varchar', length: 128 }) title!: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) description!: string | null;
}
