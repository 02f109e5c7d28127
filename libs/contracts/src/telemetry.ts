/**
 * Telemetry of the site's energy assets, as iot-mock publishes it on DEVICE_TOPICS.data and
 * solarhub-api ingests it. Every message carries document 002's base fields (DeviceDataMessage)
 * and `device_type`; the asset block follows. Units are in the names or noted: kW, kVAr, kVA, V,
 * A, Hz, kWh, °C, %. Bounds: see BOUNDS in bounds.ts.
 */
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AssetDeviceType } from './asset-types';
import { BOUNDS, IsSafeCount, RACK_NUMBER } from './bounds';
import { DeviceDataMessage } from './devices';

export { ASSET_DEVICE_TYPES } from './asset-types';
export type { AssetDeviceType } from './asset-types';

export const BATTERY_MODES = ['Standby', 'Charging', 'Discharging'] as const;
export type BatteryMode = (typeof BATTERY_MODES)[number];

const finite = { allowNaN: false, allowInfinity: false } as const;

/** A finite number in [min, max]; documented so, where an API answers the same shape. */
function Bounded(min: number, max: number): PropertyDecorator {
  return (target: object, key: string | symbol): void => {
    ApiProperty({ type: Number, minimum: min, maximum: max })(target, key);
    IsNumber(finite)(target, key);
    Min(min)(target, key);
    Max(max)(target, key);
  };
}
const Power = (): PropertyDecorator => Bounded(-BOUNDS.powerKw, BOUNDS.powerKw);
const Voltage = (): PropertyDecorator => Bounded(0, BOUNDS.voltageV);
const Current = (): PropertyDecorator => Bounded(-BOUNDS.currentA, BOUNDS.currentA);
const Energy = (): PropertyDecorator => Bounded(0, BOUNDS.energyKwh);
const Temperature = (): PropertyDecorator => Bounded(BOUNDS.temperatureC.min, BOUNDS.temperatureC.max);
const Percent = (): PropertyDecorator => Bounded(0, 100);
const Word16 = (): PropertyDecorator => (target: object, key: string | symbol) => {
  IsInt()(target, key);
  Min(0)(target, key);
  Max(BOUNDS.word16)(target, key);
};
/** A bounded list of nested objects of `type`, with no nulls inside. */
function ListOf(type: () => new () => object, max: number = BOUNDS.listItems): PropertyDecorator {
  return (target: object, key: string | symbol): void => {
    IsArray()(target, key);
    ArrayMaxSize(max)(target, key);
    IsObject({ each: true })(target, key);
    ValidateNested({ each: true })(target, key);
    Type(type)(target, key);
  };
}
function Nested(type: () => new () => object): PropertyDecorator {
  return (target: object, key: string | symbol): void => {
    IsObject()(target, key);
    ValidateNested()(target, key);
    Type(type)(target, key);
  };
}

export class PhaseReading {
  @ApiProperty({ enum: ['A', 'B', 'C'] }) @IsIn(['A', 'B', 'C']) phase!: 'A' | 'B' | 'C';
  @Voltage() voltage!: number;
  @Current() current!: number;
}

export class InverterBlock {
  @Power() nominal_active_power!: number;
  @Power() total_active_power!: number;
  @Bounded(0, BOUNDS.powerKw) total_apparent_power!: number;
  @Power() total_reactive_power!: number;
  /** kWh since midnight UTC */
  @Energy() daily_power_yields!: number;
  /** kWh since the device was created */
  @Energy() total_power_yields!: number;
  @Temperature() internal_temperature!: number;
  @Voltage() bus_voltage!: number;
  @Power() dc_power!: number;
}

export class MpptReading {
  @Bounded(1, BOUNDS.listItems) @IsInt() mppt_id!: number;
  @Voltage() voltage!: number;
  @Current() current!: number;
  /** W */
  @Bounded(-BOUNDS.powerW, BOUNDS.powerW) power!: number;
}

export class StringReading {
  @Bounded(1, BOUNDS.listItems * 16) @IsInt() string_id!: number;
  @Current() current!: number;
}

/** `power` is the AC output (generation, kW). */
export class PvInverterData extends DeviceDataMessage {
  @IsIn(['pv_inverter']) declare device_type: 'pv_inverter';
  @Nested(() => InverterBlock) inverter!: InverterBlock;
  /** Per tracker: V, A and W (the SolarHub document gives MPPT power in W). */
  @ListOf(() => MpptReading) mppt!: MpptReading[];
  @ListOf(() => StringReading, BOUNDS.listItems * 16) strings!: StringReading[];
  @ListOf(() => PhaseReading, 3) phases!: PhaseReading[];
  @Bounded(0, BOUNDS.irradianceWm2) irradiance_w_m2!: number;
}

export class RackAlarms {
  @IsBoolean() over_temperature!: boolean;
  @IsBoolean() under_voltage!: boolean;
  @IsBoolean() over_voltage!: boolean;
  @IsBoolean() cell_imbalance!: boolean;
}

export class RackReading {
  /** rack01 … rack12 */
  @Matches(RACK_NUMBER) rack_number!: string;
  @IsIn(BATTERY_MODES) mode!: BatteryMode;
  @Voltage() voltage!: number;
  @Current() current!: number;
  @Percent() soc_pct!: number;
  @Temperature() temperature_c!: number;
  /** Alarm flags of the rack's battery management; all false when healthy. */
  @Nested(() => RackAlarms) alarms!: RackAlarms;
}

/** `power` is signed: positive while discharging into the site, negative while charging. */
export class BessData extends DeviceDataMessage {
  @IsIn(['bess']) declare device_type: 'bess';
  @IsIn(BATTERY_MODES) mode!: BatteryMode;
  @Percent() soc_pct!: number;
  @Bounded(Number.MIN_VALUE, BOUNDS.capacityKwh) capacity_kwh!: number;
  /** Cumulative kWh taken in and given out; efficiency = discharge / charge. */
  @Energy() charge_energy_kwh!: number;
  @Energy() discharge_energy_kwh!: number;
  @ListOf(() => RackReading, BOUNDS.racksPerBess) racks!: RackReading[];
}

/** The seven 16-bit status words of a PCS (document 001), as integers 0…65535. */
export class PcsAlertWords {
  @Word16() inverter_status!: number;
  @Word16() inverter_inhibits1_status!: number;
  @Word16() environment_status!: number;
  @Word16() warning_status!: number;
  @Word16() grid_status!: number;
  @Word16() fault_status1!: number;
  @Word16() fault_status2!: number;
}

/** `power` is signed as for the BESS it converts for. */
export class PcsData extends DeviceDataMessage {
  @IsIn(['pcs']) declare device_type: 'pcs';
  @IsIn(BATTERY_MODES) mode!: BatteryMode;
  @Power() reactive_power!: number;
  @Voltage() dc_voltage!: number;
  @Nested(() => PcsAlertWords) alerts!: PcsAlertWords;
}

/** A three-phase meter at the grid connection; `power` is the active import (kW). */
export class MeterData extends DeviceDataMessage {
  @IsIn(['meter']) declare device_type: 'meter';
  @Current() phase_a_current!: number;
  @Current() phase_b_current!: number;
  @Current() phase_c_current!: number;
  @Voltage() phase_a_voltage!: number;
  @Voltage() phase_b_voltage!: number;
  @Voltage() phase_c_voltage!: number;
  @Power() active_power!: number;
  @Power() reactive_power!: number;
  @Power() apparent_power!: number;
  @Bounded(BOUNDS.frequencyHz.min, BOUNDS.frequencyHz.max) frequency!: number;
  @Bounded(-1, 1) power_factor!: number;
}

/** A simulated OCPP 1.6-J charge point with one connector; `power` is what the EV draws (kW). */
export class EvChargerData extends DeviceDataMessage {
  @IsIn(['ev_charger']) declare device_type: 'ev_charger';
  @IsBoolean() ocpp_connected!: boolean;
  @ValidateIf((_o, v) => v !== null) @IsSafeCount() transaction_id!: number | null;
  @IsBoolean() ev_connected!: boolean;
  @ValidateIf((_o, v) => v !== null) @Percent() ev_soc_pct!: number | null;
  @ValidateIf((_o, v) => v !== null) @Bounded(Number.MIN_VALUE, BOUNDS.capacityKwh) ev_capacity_kwh!: number | null;
  /** The composite limit of its charging profiles right now (W); the charger's maximum without one. */
  @Bounded(0, BOUNDS.powerW) limit_w!: number;
  @Bounded(0, BOUNDS.powerW) max_power_w!: number;
  /** Energy.Active.Import.Register, as sent in MeterValues (Wh). */
  @Bounded(0, Number.MAX_SAFE_INTEGER) meter_wh!: number;
}

export type AssetData = PvInverterData | BessData | PcsData | MeterData | EvChargerData;

/** The class of each asset's message, for the discriminated union on `device_type`. */
export const ASSET_DATA_CLASSES: Record<AssetDeviceType, new () => DeviceDataMessage> = {
  pv_inverter: PvInverterData,
  bess: BessData,
  pcs: PcsData,
  meter: MeterData,
  ev_charger: EvChargerData,
};

/** The class a data message is validated against after its base: its asset's, or the base for a load. */
export function dataMessageClass(base: DeviceDataMessage): new () => DeviceDataMessage {
  const type = base.device_type;
  return type && type in ASSET_DATA_CLASSES ? ASSET_DATA_CLASSES[type as AssetDeviceType] : DeviceDataMessage;
}
