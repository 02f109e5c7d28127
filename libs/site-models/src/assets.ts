import type {
  BatteryMode,
  BessData,
  BessSetPointResult,
  DeviceDataMessage,
  DeviceType,
  MeterData,
  PcsData,
  PhaseReading,
  PvInverterData,
  RackReading,
} from '@lib/contracts';
import { Random, roundTo } from '@lib/power';

/** State of an energy asset that outlives one reading, stored with the device. */
export interface AssetState {
  mode: BatteryMode;
  /** kW the battery is told to charge or discharge at (always ≥ 0; the mode gives the direction). */
  setpointKw: number;
  socPct: number;
  capacityKwh: number;
  chargeKwh: number;
  dischargeKwh: number;
  dailyYieldKwh: number;
  /** The site's local day `dailyYieldKwh` belongs to (YYYY-MM-DD). */
  yieldDay: string;
  frequencyHz: number;
  /** Slow cloud cover over a PV array, 0.3 (overcast) … 1 (clear). */
  cloud: number;
  /** Racks of a BESS (RACKS_PER_BESS when not set). */
  racks?: number;
}

export const RACKS_PER_BESS = 12;
export const MPPT_PER_INVERTER = 4;
export const STRINGS_PER_MPPT = 2;
/** A BESS gives back 90 % of what it took in: √0.9 on the way in and √0.9 on the way out. */
export const ROUND_TRIP_EFFICIENCY = 0.9;
const ONE_WAY_EFFICIENCY = Math.sqrt(ROUND_TRIP_EFFICIENCY);
/** A BESS stops discharging at SOC_MIN_PCT and stops charging at SOC_MAX_PCT. */
export const SOC_MIN_PCT = 5;
export const SOC_MAX_PCT = 100;

export const isBattery = (type: DeviceType): boolean => type === 'bess' || type === 'pcs';

export function initialAssetState(type: DeviceType, basePowerKw: number): AssetState | null {
  if (!['pv_inverter', 'bess', 'pcs', 'meter'].includes(type)) return null;
  return {
    mode: 'Standby',
    setpointKw: 0,
    socPct: 50,
    capacityKwh: basePowerKw * 2,
    chargeKwh: 0,
    dischargeKwh: 0,
    dailyYieldKwh: 0,
    yieldDay: '',
    frequencyHz: 60,
    cloud: 1,
  };
}

/**
 * Signed battery power (kW, + discharging) for the next `dtMs`, with the SOC limits applied:
 * a full battery stops charging, an empty one stops discharging (and falls back to Standby).
 */
export function batteryPowerKw(type: DeviceType, state: AssetState): number {
  if (state.mode === 'Charging') {
    if (type === 'bess' && state.socPct >= SOC_MAX_PCT) state.mode = 'Standby';
    else return -state.setpointKw;
  }
  if (state.mode === 'Discharging') {
    if (type === 'bess' && state.socPct <= SOC_MIN_PCT) state.mode = 'Standby';
    else return state.setpointKw;
  }
  return 0;
}

/**
 * Applies a signed set-point (kW, + discharge, − charge, as BessData.power) to a battery: clamped
 * to its power rating, and to 0 when it asks a full BESS to charge or an empty one to discharge.
 * Returns the acknowledgement's result (BessSetPointResult).
 */
export function applyBatterySetPoint(
  type: DeviceType,
  state: AssetState,
  requestedKw: number,
  ratingKw: number,
): BessSetPointResult {
  let powerKw = Math.min(ratingKw, Math.max(-ratingKw, requestedKw));
  let reason: string | undefined = powerKw !== requestedKw ? 'power_rating' : undefined;
  if (type === 'bess' && powerKw < 0 && state.socPct >= SOC_MAX_PCT) {
    powerKw = 0;
    reason = 'soc_max';
  } else if (type === 'bess' && powerKw > 0 && state.socPct <= SOC_MIN_PCT) {
    powerKw = 0;
    reason = 'soc_min';
  }
  state.mode = powerKw > 0 ? 'Discharging' : powerKw < 0 ? 'Charging' : 'Standby';
  state.setpointKw = Math.abs(powerKw);
  return {
    status: reason ? 'clamped' : 'accepted',
    requested_kw: requestedKw,
    power_kw: powerKw,
    ...(reason ? { reason } : {}),
    ...(type === 'bess' ? { soc_pct: roundTo(state.socPct, 2) } : {}),
  };
}

/**
 * Integrates what the asset did over `dtMs` at `powerKw` into its counters and SOC; `day` is the
 * site's local date of the end of that time (a PV inverter's daily yield starts again each day).
 */
export function integrateAsset(type: DeviceType, state: AssetState, powerKw: number, dtMs: number, day: string): void {
  const hours = dtMs / 3_600_000;
  if (isBattery(type)) {
    let acKwh = Math.abs(powerKw) * hours;
    if (type === 'bess') {
      // A battery cannot take in more than its headroom nor give more than it holds above its floor.
      const storedKwh = (state.socPct / 100) * state.capacityKwh;
      const minKwh = (SOC_MIN_PCT / 100) * state.capacityKwh;
      const limitKwh =
        powerKw < 0 ? (state.capacityKwh - storedKwh) / ONE_WAY_EFFICIENCY : (storedKwh - minKwh) * ONE_WAY_EFFICIENCY;
      acKwh = Math.min(acKwh, Math.max(0, limitKwh));
      const deltaKwh = powerKw < 0 ? acKwh * ONE_WAY_EFFICIENCY : -acKwh / ONE_WAY_EFFICIENCY;
      state.socPct = Math.min(SOC_MAX_PCT, Math.max(0, ((storedKwh + deltaKwh) / state.capacityKwh) * 100));
    }
    if (powerKw < 0) state.chargeKwh += acKwh;
    else state.dischargeKwh += acKwh;
  }
  if (type === 'pv_inverter') {
    if (state.yieldDay !== day) {
      state.yieldDay = day;
      state.dailyYieldKwh = 0;
    }
    state.dailyYieldKwh += Math.max(0, powerKw) * hours;
  }
}

/** Moves slow-changing weather and grid state one step. */
export function driftAsset(type: DeviceType, state: AssetState, random: Random): void {
  if (type === 'pv_inverter') state.cloud = Math.min(1, Math.max(0.3, state.cloud + (random() - 0.5) * 0.1));
  if (type === 'meter')
    state.frequencyHz = Math.min(60.05, Math.max(59.95, state.frequencyHz + (random() - 0.5) * 0.01));
}

const jitter = (random: Random, value: number, fraction: number): number => value * (1 + (random() * 2 - 1) * fraction);

function phases(random: Random, powerKw: number, phaseVoltageV: number): PhaseReading[] {
  return (['A', 'B', 'C'] as const).map((phase) => {
    const voltage = jitter(random, phaseVoltageV, 0.005);
    return {
      phase,
      voltage: roundTo(voltage, 1),
      current: roundTo(jitter(random, (Math.abs(powerKw) * 1000) / (3 * voltage), 0.02), 2),
    };
  });
}

export interface AssetContext {
  type: DeviceType;
  state: AssetState;
  powerKw: number;
  basePowerKw: number;
  energyKwh: number;
  faulty: boolean;
  random: Random;
}

type BaseKeys = Exclude<keyof DeviceDataMessage, 'device_type'>;
export type AssetBlock =
  Omit<PvInverterData, BaseKeys> | Omit<BessData, BaseKeys> | Omit<PcsData, BaseKeys> | Omit<MeterData, BaseKeys>;

/** The asset-specific part of a data message, consistent with its power. */
export function assetBlock(ctx: AssetContext): AssetBlock | null {
  switch (ctx.type) {
    case 'pv_inverter':
      return pvBlock(ctx);
    case 'bess':
      return bessBlock(ctx);
    case 'pcs':
      return pcsBlock(ctx);
    case 'meter':
      return meterBlock(ctx);
    default:
      return null;
  }
}

function pvBlock({ state, powerKw, basePowerKw, energyKwh, random }: AssetContext): AssetBlock {
  const dcKw = powerKw / 0.975;
  const mppt = Array.from({ length: MPPT_PER_INVERTER }, (_, i) => {
    const voltage = powerKw > 0 ? jitter(random, 580, 0.02) : 0;
    const powerW = powerKw > 0 ? jitter(random, (dcKw * 1000) / MPPT_PER_INVERTER, 0.03) : 0;
    return {
      mppt_id: i + 1,
      voltage: roundTo(voltage, 1),
      current: roundTo(voltage > 0 ? powerW / voltage : 0, 2),
      power: roundTo(powerW, 2),
    };
  });
  const strings = mppt.flatMap((m) =>
    Array.from({ length: STRINGS_PER_MPPT }, (_, j) => ({
      string_id: (m.mppt_id - 1) * STRINGS_PER_MPPT + j + 1,
      current: roundTo(jitter(random, m.current / STRINGS_PER_MPPT, 0.02), 2),
    })),
  );
  const reactiveKvar = powerKw * 0.05;
  return {
    device_type: 'pv_inverter',
    inverter: {
      nominal_active_power: basePowerKw,
      total_active_power: roundTo(powerKw, 2),
      total_apparent_power: roundTo(Math.hypot(powerKw, reactiveKvar), 2),
      total_reactive_power: roundTo(reactiveKvar, 2),
      daily_power_yields: roundTo(state.dailyYieldKwh, 2),
      total_power_yields: roundTo(energyKwh, 2),
      internal_temperature: roundTo(25 + 20 * (powerKw / basePowerKw) + random(), 1),
      bus_voltage: roundTo(powerKw > 0 ? jitter(random, 650, 0.01) : 0, 1),
      dc_power: roundTo(dcKw, 2),
    },
    mppt,
    strings,
    phases: phases(random, powerKw, 230),
    irradiance_w_m2: roundTo(basePowerKw > 0 ? (1000 * powerKw) / basePowerKw : 0, 0),
  };
}

function bessBlock({ state, powerKw, basePowerKw, faulty, random }: AssetContext): AssetBlock {
  const rackCount = state.racks ?? RACKS_PER_BESS;
  const racks: RackReading[] = Array.from({ length: rackCount }, (_, i) => {
    const soc = Math.min(100, Math.max(0, state.socPct + (random() - 0.5) * 2));
    const voltage = jitter(random, 700 + soc, 0.002);
    const temperature = 25 + 8 * (Math.abs(powerKw) / Math.max(1, basePowerKw)) + random();
    return {
      rack_number: `rack${String(i + 1).padStart(2, '0')}`,
      mode: state.mode,
      voltage: roundTo(voltage, 1),
      current: roundTo((powerKw * 1000) / (rackCount * voltage), 2),
      soc_pct: roundTo(soc, 1),
      temperature_c: roundTo(temperature, 1),
      alarms: {
        over_temperature: faulty && i === 0,
        under_voltage: soc < 2,
        over_voltage: false,
        cell_imbalance: false,
      },
    };
  });
  return {
    device_type: 'bess',
    mode: state.mode,
    soc_pct: roundTo(state.socPct, 2),
    capacity_kwh: state.capacityKwh,
    charge_energy_kwh: roundTo(state.chargeKwh, 4),
    discharge_energy_kwh: roundTo(state.dischargeKwh, 4),
    racks,
  };
}

function pcsBlock({ state, powerKw, faulty, random }: AssetContext): AssetBlock {
  return {
    device_type: 'pcs',
    mode: state.mode,
    reactive_power: roundTo(powerKw * 0.03 * random(), 2),
    dc_voltage: roundTo(jitter(random, 750, 0.005), 1),
    alerts: {
      inverter_status: powerKw === 0 ? 0 : 1,
      inverter_inhibits1_status: 0,
      environment_status: 0,
      warning_status: faulty ? 0b10 : 0,
      grid_status: 0,
      fault_status1: faulty ? 0b1 : 0,
      fault_status2: 0,
    },
  };
}

function meterBlock({ state, powerKw, random }: AssetContext): AssetBlock {
  const pf = 0.95 + random() * 0.04;
  const [a, b, c] = phases(random, powerKw, 220);
  return {
    device_type: 'meter',
    phase_a_current: a.current,
    phase_b_current: b.current,
    phase_c_current: c.current,
    phase_a_voltage: a.voltage,
    phase_b_voltage: b.voltage,
    phase_c_voltage: c.voltage,
    active_power: roundTo(powerKw, 2),
    reactive_power: roundTo(powerKw * Math.tan(Math.acos(pf)), 2),
    apparent_power: roundTo(powerKw / pf, 2),
    frequency: roundTo(state.frequencyHz, 3),
    power_factor: roundTo(pf, 3),
  };
}
