import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSET_DEVICE_TYPES, AssetDeviceType } from './asset-types';
import { BOUNDS, IsRecentTimestamp, IsSafeCount } from './bounds';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** The load types of document 002, then the site's energy assets (telemetry.ts). */
export const LOAD_DEVICE_TYPES = ['hvac', 'lighting', 'server', 'industrial', 'appliance'] as const;
export type LoadDeviceType = (typeof LOAD_DEVICE_TYPES)[number];
export type DeviceType = LoadDeviceType | AssetDeviceType;
export const DEVICE_TYPES: readonly DeviceType[] = [...LOAD_DEVICE_TYPES, ...ASSET_DEVICE_TYPES];

export const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export type DeviceStatus = 'online' | 'offline';
export const DEVICE_FAULTS = ['offline', 'stuck', 'spike', 'comm_error'] as const;
export type DeviceFault = (typeof DEVICE_FAULTS)[number];

/** Largest base power a simulated device may have (kW): a 50 MW load is not a "device". */
export const MAX_DEVICE_POWER_KW = 50_000;

export class CreateDeviceDto {
  @ApiProperty({ enum: DEVICE_TYPES, example: 'hvac' })
  @IsIn(DEVICE_TYPES, { message: `Input should be one of: ${DEVICE_TYPES.join(', ')}` })
  device_type!: DeviceType;

  @ApiProperty({ example: 'Main Building HVAC' })
  @MaxLength(200)
  @IsNotEmpty()
  @IsString()
  name!: string;

  @ApiPropertyOptional({ example: 'Building A - Roof' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  location?: string;

  @ApiPropertyOptional({ example: 25, description: 'Rated power in kW (defaults per type)' })
  @IsOptional()
  @Max(MAX_DEVICE_POWER_KW)
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  base_power?: number;

  @ApiPropertyOptional({ example: 240, description: 'Nominal voltage in V (defaults per type)' })
  @IsOptional()
  @Max(1000)
  @Min(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  base_voltage?: number;

  @ApiPropertyOptional({ example: 'mock-hvac-007', description: 'Generated as mock-<type>-<nnn> when omitted' })
  @IsOptional()
  @Matches(DEVICE_ID, { message: 'Input should be 1-64 letters, digits, ".", "_" or "-"' })
  device_id?: string;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateDeviceDto {
  @ApiPropertyOptional() @IsOptional() @MaxLength(200) @IsNotEmpty() @IsString() name?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(200) @IsString() location?: string;

  @ApiPropertyOptional({ description: 'kW' })
  @IsOptional()
  @Max(MAX_DEVICE_POWER_KW)
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  base_power?: number;

  @ApiPropertyOptional({ description: 'V' })
  @IsOptional()
  @Max(1000)
  @Min(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  base_voltage?: number;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export const DEVICE_COMMANDS = [
  'set_power',
  'turn_on',
  'turn_off',
  'enable',
  'disable',
  'set_interval',
  'inject_fault',
  'clear_fault',
  'charge',
  'discharge',
  'plug_in',
  'unplug',
] as const;
export type DeviceCommandName = (typeof DEVICE_COMMANDS)[number];

export class DeviceCommandDto {
  @ApiProperty({ enum: DEVICE_COMMANDS, example: 'set_power' })
  @IsString()
  command!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { power: 30 } })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Echoed in the acknowledgement; generated when omitted' })
  @IsOptional()
  @MaxLength(128)
  @IsString()
  command_id?: string;
}

const finite = { allowNaN: false, allowInfinity: false } as const;

/**
 * Published on DEVICE_TOPICS.data: document 002's data message plus `seq` and the fault, if any.
 * Energy assets add `device_type` and their block (telemetry.ts); decodeBusMessage validates this
 * base class, then the class of its `device_type`.
 */
export class DeviceDataMessage {
  @ApiProperty({ example: 'mock-hvac-001' })
  @Matches(DEVICE_ID)
  @IsString()
  device_id!: string;

  @ApiProperty({ example: '2026-12-04T10:00:00Z' })
  @IsRecentTimestamp()
  timestamp!: string;

  /** kW */
  @ApiProperty({ description: 'kW (negative: the device gives power, e.g. a discharging battery)' })
  @Max(BOUNDS.powerKw)
  @Min(-BOUNDS.powerKw)
  @IsNumber(finite)
  power!: number;

  /** V */
  @ApiProperty({ description: 'V' })
  @Max(BOUNDS.voltageV)
  @Min(0)
  @IsNumber(finite)
  voltage!: number;

  /** A */
  @ApiProperty({ description: 'A' })
  @Max(BOUNDS.currentA)
  @Min(-BOUNDS.currentA)
  @IsNumber(finite)
  current!: number;

  /** kWh since the device was created; never decreases */
  @ApiProperty({ description: 'kWh since the device was created; never decreases' })
  @Max(BOUNDS.energyKwh)
  @Min(0)
  @IsNumber(finite)
  energy!: number;

  @ApiProperty({ enum: ['online', 'offline'] })
  @IsIn(['online', 'offline'])
  status!: DeviceStatus;

  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  /** Rises by one per data message of this device, so consumers can detect gaps. */
  @ApiProperty({ description: 'rises by one per data message of the device' })
  @IsSafeCount()
  seq!: number;

  @ApiPropertyOptional({ enum: DEVICE_FAULTS })
  @IsOptional()
  @IsIn(DEVICE_FAULTS)
  fault?: DeviceFault;

  /**
   * What the device is: iot-mock sends it for every device (loads included), and consumers count
   * load by it, never by the shape of the id. Optional for document 002's senders; a message
   * without it is taken as a load.
   */
  @ApiPropertyOptional({
    enum: DEVICE_TYPES,
    description: "energy assets add their type's block of readings (libs/contracts telemetry.ts)",
  })
  @IsOptional()
  @IsIn(DEVICE_TYPES)
  device_type?: DeviceType;
}

/** Published, retained, on DEVICE_TOPICS.status. */
export class DeviceStatusMessage {
  @ApiProperty({ example: 'mock-hvac-001' })
  @Matches(DEVICE_ID)
  @IsString()
  device_id!: string;

  @ApiProperty({ enum: ['online', 'offline'] })
  @IsIn(['online', 'offline'])
  status!: DeviceStatus;

  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ example: '2026-12-04T10:00:00Z' })
  @IsRecentTimestamp()
  timestamp!: string;

  @ApiPropertyOptional({ enum: DEVICE_FAULTS, nullable: true })
  @IsOptional()
  @IsIn(DEVICE_FAULTS)
  fault?: DeviceFault | null;

  /** The service the device belongs to (`iot-mock`): its service status (its last will) covers the device. */
  @ApiPropertyOptional({ example: 'iot-mock' })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  service?: string;

  /** The device's type, so a subscriber can tell a BESS from a load without its data. */
  @ApiPropertyOptional({ enum: DEVICE_TYPES })
  @IsOptional()
  @IsIn(DEVICE_TYPES)
  device_type?: DeviceType;
}

/** Published on DEVICE_TOPICS.commands: what a device is asked to do. */
export class DeviceCommandMessage {
  @IsIn(DEVICE_COMMANDS)
  @IsString()
  command!: DeviceCommandName;

  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @IsOptional()
  @MaxLength(128)
  @IsString()
  command_id?: string;
}

/** Published on DEVICE_TOPICS.commandAck for every command received, valid or not. */
export class DeviceCommandAck {
  @ApiProperty({ example: 'mock-hvac-001' })
  @Matches(DEVICE_ID)
  @IsString()
  device_id!: string;

  @ApiProperty({ type: String, nullable: true })
  @IsOptional()
  @MaxLength(128)
  @IsString()
  command_id!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'set_power' })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  command!: string | null;

  @ApiProperty()
  @IsBoolean()
  success!: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'what changed',
    example: { power: 30 },
  })
  @IsOptional()
  @IsObject()
  result?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(1000)
  @IsString()
  error?: string;

  @ApiProperty({ example: '2026-12-04T10:00:00Z' })
  @IsRecentTimestamp()
  timestamp!: string;
}

/** A battery's (bess, pcs) orders, and the SOC of a BESS. */
export class DeviceBatteryView {
  @ApiProperty({ example: 'charge' }) mode!: string;
  @ApiProperty({ description: 'kW' }) setpoint_kw!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'BESS only' }) soc_pct!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'BESS only' }) capacity_kwh!: number | null;
}

/** A device as iot-mock's REST API shows it (GET /api/v1/devices). Units: kW, V, kWh, seconds. */
export class DeviceView {
  @ApiProperty({ example: 'mock-hvac-001' }) device_id!: string;
  @ApiProperty({ enum: DEVICE_TYPES }) device_type!: DeviceType;
  @ApiProperty() name!: string;
  @ApiProperty() location!: string;
  @ApiProperty({ description: 'kW' }) base_power!: number;
  @ApiProperty({ description: 'V' }) base_voltage!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() powered_on!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'kW' }) power_setpoint!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: "its own reading interval; null: the simulation's" })
  interval_s!: number | null;
  @ApiProperty({ enum: ['online', 'offline'] }) status!: DeviceStatus;
  @ApiProperty({ enum: DEVICE_FAULTS, nullable: true }) fault!: DeviceFault | null;
  @ApiProperty({ description: 'kWh' }) energy!: number;
  @ApiProperty() seq!: number;
  @ApiProperty() created_at!: string;
  /** Batteries (bess, pcs): what they were told to do, and the SOC of a BESS. */
  @ApiProperty({ type: DeviceBatteryView, nullable: true }) battery!: DeviceBatteryView | null;
  @ApiProperty({ type: DeviceDataMessage, nullable: true }) last_reading!: DeviceDataMessage | null;
}

/** iot-mock's simulation (GET /api/v1/simulation/status, and the answer of start and stop). */
export class SimulationStatus {
  @ApiProperty() running!: boolean;
  @ApiProperty() interval_s!: number;
  @ApiProperty() data_variation_percent!: number;
  @ApiProperty() fault_probability!: number;
  @ApiProperty() devices!: number;
  @ApiProperty() devices_online!: number;
  @ApiProperty() devices_enabled!: number;
  @ApiProperty() messages_published!: number;
  @ApiProperty() messages_failed!: number;
  @ApiProperty({ type: String, nullable: true }) started_at!: string | null;
  @ApiProperty() mqtt_connected!: boolean;
}
