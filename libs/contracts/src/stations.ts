/**
 * What ocpp-csms publishes per charging station on the bus (TOPIC_REGISTRY.stationStatus and
 * .stationMeter): the station's connection and connector states, and what each connector measures
 * (MeterValues), for any OCPP 1.6-J charger, simulated or not. Units are in the names: W, Wh, %.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { BOUNDS, IsRecentTimestamp, IsSafeCount } from './bounds';

/** A charge point identity as ocpp-csms admits it (the last segment of its WebSocket URL). */
export const STATION_ID = /^[A-Za-z0-9._:-]{1,48}$/;

/** OCPP 1.6 ChargePointStatus. */
export const CHARGE_POINT_STATUSES = [
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEVSE',
  'SuspendedEV',
  'Finishing',
  'Reserved',
  'Unavailable',
  'Faulted',
] as const;
export type ChargePointStatus = (typeof CHARGE_POINT_STATUSES)[number];

/** OCPP 1.6 ChargePointErrorCode. */
export const CHARGE_POINT_ERROR_CODES = [
  'ConnectorLockFailure',
  'EVCommunicationError',
  'GroundFailure',
  'HighTemperature',
  'InternalError',
  'LocalListConflict',
  'NoError',
  'OtherError',
  'OverCurrentFailure',
  'PowerMeterFailure',
  'PowerSwitchFailure',
  'ReaderFailure',
  'ResetFailure',
  'UnderVoltage',
  'OverVoltage',
  'WeakSignal',
] as const;

/** Connector ids a station may have (0 is the whole charge point). */
export const MAX_CONNECTOR_ID = 100;
/** Largest energy register a charger may report (Wh): 1e12 kWh, as BOUNDS.energyKwh. */
const MAX_ENERGY_WH = BOUNDS.energyKwh * 1000;

const finite = { allowNaN: false, allowInfinity: false } as const;
const nullable = ValidateIf((_o, v) => v !== null);

export class StationConnectorState {
  @Max(MAX_CONNECTOR_ID) @Min(0) @IsInt() connector_id!: number;
  @IsIn(CHARGE_POINT_STATUSES) status!: ChargePointStatus;
  @IsIn(CHARGE_POINT_ERROR_CODES) error_code!: string;
  /** The open transaction on this connector, if any. */
  @nullable @IsSafeCount() transaction_id!: number | null;
  /** OCPP IdToken: at most 20 characters. */
  @nullable @MaxLength(20) @IsString() id_tag!: string | null;
}

/** Retained on TOPIC_REGISTRY.stationStatus: published on connect, disconnect, StatusNotification, start and stop. */
export class StationStatusMessage {
  @Matches(STATION_ID) @IsString() station_id!: string;
  /** Whether the station holds a WebSocket to the CSMS. */
  @IsBoolean() connected!: boolean;
  @IsArray()
  @ArrayMaxSize(MAX_CONNECTOR_ID + 1)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => StationConnectorState)
  connectors!: StationConnectorState[];
  @IsRecentTimestamp() timestamp!: string;
}

/** On TOPIC_REGISTRY.stationMeter: each MeterValues of a connector, and power 0 when its transaction stops. */
export class StationMeterMessage {
  @Matches(STATION_ID) @IsString() station_id!: string;
  @Max(MAX_CONNECTOR_ID) @Min(0) @IsInt() connector_id!: number;
  @nullable @IsSafeCount() transaction_id!: number | null;
  /** Power.Active.Import (W); per-phase values summed. Never negative: this is what the EV draws. */
  @Max(BOUNDS.powerW) @Min(0) @IsNumber(finite) power_w!: number;
  /** Energy.Active.Import.Register (Wh), when reported. */
  @nullable @Max(MAX_ENERGY_WH) @Min(0) @IsNumber(finite) energy_wh!: number | null;
  /** Energy of the transaction so far (Wh): the register minus its meterStart. */
  @nullable @Max(MAX_ENERGY_WH) @Min(0) @IsNumber(finite) session_energy_wh!: number | null;
  /** The EV's state of charge (SoC measurand), when reported. */
  @nullable @Max(100) @Min(0) @IsNumber(finite) soc_pct!: number | null;
  @IsRecentTimestamp() timestamp!: string;
}

/**
 * The console's site-wide charging figures over every station on the bus (its live feed's
 * `station_totals`), so a page that follows only the stations in view still shows the whole site.
 */
export interface StationTotals {
  /** Stations that published a status. */
  stations: number;
  connected: number;
  /** Connectors of connected stations with an open transaction. */
  sessions: number;
  /** What every connector draws now (W), by its latest meter value. */
  power_w: number;
}
