import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ChargingProfile } from '@lib/ocpp';

const bigint = { to: (v: number) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };

/** A charge point, known in advance or recorded when it first boots (outside production). */
@Entity({ name: 'csms_stations' })
export class StationEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id!: string;
  @Column({ type: 'varchar', length: 50, nullable: true }) vendor!: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) model!: string | null;
  @Column({ name: 'serial_number', type: 'varchar', length: 50, nullable: true }) serialNumber!: string | null;
  @Column({ name: 'firmware_version', type: 'varchar', length: 50, nullable: true }) firmwareVersion!: string | null;
  /** OCPP SupportedFeatureProfiles as the station reported it (GetConfiguration), comma separated. */
  @Column({ name: 'feature_profiles', type: 'varchar', length: 255, nullable: true }) featureProfiles!: string | null;
  @Column({ name: 'number_of_connectors', type: 'int', default: 1 }) numberOfConnectors!: number;
  @Column({ name: 'max_power_w', type: 'int', nullable: true }) maxPowerW!: number | null;
  /** scrypt hash of the station's Basic-auth password (security profile 1). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true }) passwordHash!: string | null;
  @Column({ type: 'boolean', default: true }) registered!: boolean;
  @Column({ name: 'last_boot_at', type: 'datetime', nullable: true }) lastBootAt!: Date | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
}

@Entity({ name: 'csms_id_tags' })
export class IdTagEntity {
  @PrimaryColumn({ name: 'id_tag', type: 'varchar', length: 20 }) idTag!: string;
  /** Accepted, Blocked, Expired or Invalid. */
  @Column({ type: 'varchar', length: 16, default: 'Accepted' }) status!: string;
  @Column({ name: 'expiry_date', type: 'datetime', nullable: true }) expiryDate!: Date | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
}

@Entity({ name: 'csms_transactions' })
@Index(['stationId', 'connectorId'])
export class TransactionEntity {
  @PrimaryGeneratedColumn({ type: 'int' }) id!: number;
  @Column({ name: 'station_id', type: 'varchar', length: 64 }) stationId!: string;
  @Column({ name: 'connector_id', type: 'int' }) connectorId!: number;
  @Column({ name: 'id_tag', type: 'varchar', length: 20 }) idTag!: string;
  @Column({ name: 'meter_start_wh', type: 'bigint', transformer: bigint }) meterStartWh!: number;
  @Column({ name: 'meter_stop_wh', type: 'bigint', nullable: true, transformer: bigint }) meterStopWh!: number | null;
  @Column({ name: 'started_at', type: 'datetime' }) startedAt!: Date;
  @Column({ name: 'stopped_at', type: 'datetime', nullable: true }) stoppedAt!: Date | null;
  @Column({ name: 'stop_reason', type: 'varchar', length: 32, nullable: true }) stopReason!: string | null;
  @Column({ name: 'energy_wh', type: 'bigint', nullable: true, transformer: bigint }) energyWh!: number | null;
  /** 'station' (its StopTransaction) or 'csms' (superseded, rebooted, connector Available); null while open. */
  @Column({ name: 'closed_by', type: 'varchar', length: 8, nullable: true }) closedBy!: 'station' | 'csms' | null;
}

@Entity({ name: 'csms_meter_values' })
@Index(['stationId', 'connectorId', 'timestamp'])
@Index('IDX_csms_meter_values_tx', ['transactionId', 'timestamp'])
export class MeterValueEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'station_id', type: 'varchar', length: 64 }) stationId!: string;
  @Column({ name: 'connector_id', type: 'int' }) connectorId!: number;
  @Column({ name: 'transaction_id', type: 'int', nullable: true }) transactionId!: number | null;
  @Column({ type: 'datetime' }) timestamp!: Date;
  @Column({ type: 'varchar', length: 64, default: 'Energy.Active.Import.Register' }) measurand!: string;
  @Column({ type: 'double' }) value!: number;
  @Column({ type: 'varchar', length: 16, nullable: true }) unit!: string | null;
  @Column({ type: 'varchar', length: 8, nullable: true }) phase!: string | null;
  /** OCPP ReadingContext (Sample.Periodic, Transaction.End…). */
  @Column({ type: 'varchar', length: 32, nullable: true }) context!: string | null;
  /** For a transaction that is unknown or already closed: kept, but not part of any live session. */
  @Column({ type: 'boolean', default: false }) stray!: boolean;
}

/** Every profile the CSMS sent and the station accepted: the CSMS's own view of what is installed. */
@Entity({ name: 'csms_charging_profiles' })
@Index(['stationId'])
export class ChargingProfileEntity {
  @PrimaryGeneratedColumn({ type: 'int' }) id!: number;
  @Column({ name: 'station_id', type: 'varchar', length: 64 }) stationId!: string;
  @Column({ name: 'connector_id', type: 'int' }) connectorId!: number;
  @Column({ name: 'charging_profile_id', type: 'int' }) chargingProfileId!: number;
  @Column({ type: 'varchar', length: 32 }) purpose!: string;
  @Column({ name: 'stack_level', type: 'int' }) stackLevel!: number;
  @Column({ type: 'simple-json' }) profile!: ChargingProfile;
  @Column({ name: 'sent_at', type: 'datetime' }) sentAt!: Date;
}

/** Small settings that must survive a restart (the site charging limit). */
@Entity({ name: 'csms_settings' })
export class SettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) key!: string;
  @Column({ type: 'text' }) value!: string;
}

export const CSMS_ENTITIES = [
  StationEntity,
  IdTagEntity,
  TransactionEntity,
  MeterValueEntity,
  ChargingProfileEntity,
  SettingEntity,
];
