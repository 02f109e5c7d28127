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

  @ApiPropertyOptional({ example: { power: 30 } })
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
  @Matches(DEVICE_ID)
  @IsString()
  device_id!: string;

  @IsRecentTimestamp()
  timestamp!: string;

  /** kW */
  @Max(BOUNDS.powerKw)
  @Min(-BOUNDS.powerKw)
  @IsNumber(finite)
  power!: number;

  /** V */
  @Max(BOUNDS.voltageV)
  @Min(0)
  @IsNumber(finite)
  voltage!: number;

  /** A */
  @Max(BOUNDS.currentA)
  @Min(-BOUNDS.currentA)
  @IsNumber(finite)
  current!: number;

  /** kWh since the device was created; never decreases */
  @Max(BOUNDS.energyKwh)
  @Min(0)
  @IsNumber(finite)
  energy!: number;

  @IsIn(['online', 'offline'])
  status!: DeviceStatus;

  @IsBoolean()
  enabled!: boolean;

  /** Rises by one per data message of this device, so consumers can detect gaps. */
  @IsSafeCount()
  seq!: number;

  @IsOptional()
  @IsIn(DEVICE_FAULTS)
  fault?: DeviceFault;

  /**
   * What the device is: iot-mock sends it for every device (loads included), and consumers count
   * load by it, never by the shape of the id. Optional for document 002's senders; a message
   * without it is taken as a load.
   */
  @IsOptional()
  @IsIn(DEVICE_TYPES)
  device_type?: DeviceType;
}

/** Published, retained, on DEVICE_TOPICS.status. */
export class DeviceStatusMessage {
  @Matches(DEVICE_ID)
  @IsString()
  device_id!: string;

  @IsIn(['online', 'offline'])
  status!: DeviceStatus;

  @IsBoolean()
  enabled!: boolean;

  @IsRecentTimestamp()
  timestamp!: string;

  @IsOptional()
  @IsIn(DEVICE_FAULTS)
  fault?: DeviceFault | null;

  /** The service the device belongs to (`iot-mock`): its service status (its last will) covers the device. */
  @IsOptional()
  @MaxLength(64)
  @IsString()
  service?: string;

  /** The device's type, so a subscriber can tell a BESS from a load without its data. */
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
  @Matches(DEVICE_ID)
  @IsString()
  device_id!: string;

  @IsOptional()
  @MaxLength(128)
  @IsString()
  command_id!: string | null;

  @IsOptional()
  @MaxLength(64)
  @IsString()
  command!: string | null;

  @IsBoolean()
  success!: boolean;

  @IsOptional()
  @IsObject()
  result?: Record<string, unknown>;

  @IsOptional()
  @MaxLength(1000)
  @IsString()
  error?: string;

  @IsRecentTimestamp()
  timestamp!: string;
}

/** A device as iot-mock's REST API shows it (GET /api/v1/devices). Units: kW, V, kWh, seconds. */
export interface DeviceView {
  device_id: string;
  device_type: DeviceType;
  name: string;
  location: string;
  base_power: number;
  base_voltage: number;
  enabled: boolean;
  powered_on: boolean;
  power_setpoint: number | null;
  interval_s: number | null;
  status: DeviceStatus;
  fault: DeviceFault | null;
  energy: number;
  seq: number;
  created_at: string;
  /** Batteries (bess, pcs): what they were told to do, and the SOC of a BESS. */
  battery: { mode: string; setpoint_kw: number; soc_pct: number | null; capacity_kwh: number | null } | null;
  last_reading: DeviceDataMessage | null;
}

/** iot-mock's simulation (GET /api/v1/simulation/status, and the answer of start and stop). */
export interface SimulationStatus {
  running: boolean;
  interval_s: number;
  data_variation_percent: number;
  fault_probability: number;
  devices: number;
  devices_online: number;
  devices_enabled: number;
  messages_published: number;
  messages_failed: number;
  started_at: string | null;
  mqtt_connected: boolean;
}
