/**
 * Telemetry of the site's energy assets, as iot-mock publishes it on DEVICE_TOPICS.data and
 * solarhub-api ingests it. Every message carries document 002's base fields (DeviceDataMessage)
 * and `device_type`; the asset block follows. Units are in the names or noted: kW, kVAr, kVA, V,
 * A, Hz, kWh, °C, %.
 */
import type { DeviceDataMessage } from './devices';

export const ASSET_DEVICE_TYPES = ['pv_inverter', 'bess', 'pcs', 'meter', 'ev_charger'] as const;
export type AssetDeviceType = (typeof ASSET_DEVICE_TYPES)[number];

export type BatteryMode = 'Standby' | 'Charging' | 'Discharging';

export interface PhaseReading {
  phase: 'A' | 'B' | 'C';
  voltage: number;
  current: number;
}

/** `power` is the AC output (generation, kW). */
export interface PvInverterData extends DeviceDataMessage {
  device_type: 'pv_inverter';
  inverter: {
    nominal_active_power: number;
    total_active_power: number;
    total_apparent_power: number;
    total_reactive_power: number;
    /** kWh since midnight UTC */
    daily_power_yields: number;
    /** kWh since the device was created */
    total_power_yields: number;
    internal_temperature: number;
    bus_voltage: number;
    dc_power: number;
  };
  /** Per tracker: V, A and W (the SolarHub document gives MPPT power in W). */
  mppt: { mppt_id: number; voltage: number; current: number; power: number }[];
  strings: { string_id: number; current: number }[];
  phases: PhaseReading[];
  irradiance_w_m2: number;
}

export interface RackReading {
  /** rack01 … rack12 */
  rack_number: string;
  mode: BatteryMode;
  voltage: number;
  current: number;
  soc_pct: number;
  temperature_c: number;
  /** Alarm flags of the rack's battery management; all false when healthy. */
  alarms: { over_temperature: boolean; under_voltage: boolean; over_voltage: boolean; cell_imbalance: boolean };
}

/** `power` is signed: positive while discharging into the site, negative while charging. */
export interface BessData extends DeviceDataMessage {
  device_type: 'bess';
  mode: BatteryMode;
  soc_pct: number;
  capacity_kwh: number;
  /** Cumulative kWh taken in and given out; efficiency = discharge / charge. */
  charge_energy_kwh: number;
  discharge_energy_kwh: number;
  racks: RackReading[];
}

/** The seven 16-bit status words of a PCS (document 001), as integers 0…65535. */
export interface PcsAlertWords {
  inverter_status: number;
  inverter_inhibits1_status: number;
  environment_status: number;
  warning_status: number;
  grid_status: number;
  fault_status1: number;
  fault_status2: number;
}

/** `power` is signed as for the BESS it converts for. */
export interface PcsData extends DeviceDataMessage {
  device_type: 'pcs';
  mode: BatteryMode;
  reactive_power: number;
  dc_voltage: number;
  alerts: PcsAlertWords;
}

/** A three-phase meter at the grid connection; `power` is the active import (kW). */
export interface MeterData extends DeviceDataMessage {
  device_type: 'meter';
  phase_a_current: number;
  phase_b_current: number;
  phase_c_current: number;
  phase_a_voltage: number;
  phase_b_voltage: number;
  phase_c_voltage: number;
  active_power: number;
  reactive_power: number;
  apparent_power: number;
  frequency: number;
  power_factor: number;
}

/** A simulated OCPP 1.6-J charge point with one connector; `power` is what the EV draws (kW). */
export interface EvChargerData extends DeviceDataMessage {
  device_type: 'ev_charger';
  ocpp_connected: boolean;
  transaction_id: number | null;
  ev_connected: boolean;
  ev_soc_pct: number | null;
  ev_capacity_kwh: number | null;
  /** The composite limit of its charging profiles right now (W); the charger's maximum without one. */
  limit_w: number;
  max_power_w: number;
  /** Energy.Active.Import.Register, as sent in MeterValues (Wh). */
  meter_wh: number;
}

export type AssetData = PvInverterData | BessData | PcsData | MeterData | EvChargerData;
