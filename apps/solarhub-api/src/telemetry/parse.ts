import { MAX_UNITS } from '@lib/config';
import type { AlertLevel } from '../storage/entities';
import {
  BessRow,
  InverterDetail,
  InverterRow,
  MeterRow,
  PCS_ALERT_WORDS,
  PCS_WORD_COLUMNS,
  PcsRow,
  PcsWordColumn,
  RACK_ALARMS,
  RackRow,
} from './records';

export interface ActiveAlert {
  source: string;
  code: string;
  level: AlertLevel;
  message: string;
}

interface Common {
  unit: number;
  /** The unit's alert source name: BESS1, PCS2, Meter1, Inverter1. */
  source: string;
  alerts: ActiveAlert[];
}
export type ParsedTelemetry =
  | (Common & { kind: 'bess'; row: BessRow; racks: RackRow[] })
  | (Common & { kind: 'pcs'; row: PcsRow })
  | (Common & { kind: 'meter'; row: MeterRow })
  | (Common & { kind: 'inverter'; row: InverterRow });

export type ParseResult = { ok: ParsedTelemetry } | { skip: string } | { error: string };

const KINDS = { bess: 'bess', pcs: 'pcs', meter: 'meter', pv_inverter: 'inverter' } as const;
const SOURCE_PREFIX = { bess: 'BESS', pcs: 'PCS', meter: 'Meter', inverter: 'Inverter' } as const;
const FAULT_TEXT: Record<string, string> = {
  offline: 'Offline',
  stuck: 'Stuck Reading',
  spike: 'Abnormal Spike',
  comm_error: 'Communication Error',
};

type Obj = Record<string, unknown>;
class Invalid extends Error {}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function num(o: Obj, field: string): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(`${field} must be a finite number`);
  return v;
}
function obj(o: Obj, field: string): Obj {
  const v = o[field];
  if (!isObj(v)) throw new Invalid(`${field} must be an object`);
  return v;
}
function list(o: Obj, field: string): Obj[] {
  const v = o[field];
  if (!Array.isArray(v) || !v.every(isObj)) throw new Invalid(`${field} must be an array of objects`);
  return v;
}
function text(o: Obj, field: string, max = 64): string {
  const v = o[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new Invalid(`${field} must be a string`);
  return v;
}

/** The unit a device stands for: the number its id ends with (bess-1, site-pcs-02, meter3). */
export function unitOfDevice(deviceId: string): number | null {
  const match = /(\d+)$/.exec(deviceId);
  const n = match ? Number(match[1]) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_UNITS ? n : null;
}

/**
 * One telemetry message from the broker (libs/contracts telemetry DTOs) as history rows and the
 * alarms it shows. Loads and chargers are skipped; a malformed asset message is an error naming
 * the field.
 */
export function parseTelemetry(payload: unknown): ParseResult {
  if (!isObj(payload)) return { error: 'payload must be a JSON object' };
  const type = payload.device_type;
  if (typeof type !== 'string' || !(type in KINDS)) return { skip: `device_type ${String(type)} is not ingested` };
  const kind = KINDS[type as keyof typeof KINDS];
  try {
    const deviceId = text(payload, 'device_id');
    const unit = unitOfDevice(deviceId);
    if (unit === null) return { error: `device_id ${deviceId} must end with a unit number 1-${MAX_UNITS}` };
    const seq = num(payload, 'seq');
    const ts = Date.parse(text(payload, 'timestamp'));
    if (!Number.isInteger(seq) || seq < 0) throw new Invalid('seq must be a non-negative integer');
    if (Number.isNaN(ts)) throw new Invalid('timestamp must be an ISO-8601 time');
    const source = `${SOURCE_PREFIX[kind]}${unit}`;
    const alerts: ActiveAlert[] = [];
    const fault = payload.fault;
    if (typeof fault === 'string' && fault.length > 0) {
      const what = FAULT_TEXT[fault] ?? fault;
      alerts.push({ source, code: `device_${fault}`, level: 'fault', message: `${source}: ${what}` });
    }
    const base = { deviceId, seq, ts };
    switch (kind) {
      case 'bess':
        return { ok: { kind, unit, source, alerts, ...parseBess(payload, unit, base, source, alerts) } };
      case 'pcs':
        return { ok: { kind, unit, source, alerts, row: parsePcs(payload, unit, base, source, alerts) } };
      case 'meter':
        return { ok: { kind, unit, source, alerts, row: parseMeter(payload, unit, base) } };
      case 'inverter':
        return { ok: { kind, unit, source, alerts, row: parseInverter(payload, unit, base) } };
    }
  } catch (error) {
    if (error instanceof Invalid) return { error: error.message };
    throw error;
  }
}

type Base = { deviceId: string; seq: number; ts: number };

function parseBess(
  p: Obj,
  unit: number,
  base: Base,
  source: string,
  alerts: ActiveAlert[],
): { row: BessRow; racks: RackRow[] } {
  const mode = text(p, 'mode', 16);
  const racks = list(p, 'racks').map((r): RackRow => {
    const rackNumber = text(r, 'rack_number', 8);
    if (!/^rack\d{2}$/.test(rackNumber)) throw new Invalid('racks[].rack_number must be rack01…rack12');
    const flags = isObj(r.alarms) ? r.alarms : {};
    let alarmBits = 0;
    for (const alarm of RACK_ALARMS) {
      if (flags[alarm.flag] === true) {
        alarmBits |= alarm.bit;
        alerts.push({
          source: `${source} ${rackNumber}`,
          code: alarm.flag,
          level: alarm.level,
          message: `${source} ${rackNumber}: ${alarm.text}`,
        });
      }
    }
    return {
      bessNumber: unit,
      rackNumber,
      ...base,
      mode: text(r, 'mode', 16),
      voltage: num(r, 'voltage'),
      current: num(r, 'current'),
      socPct: num(r, 'soc_pct'),
      temperatureC: num(r, 'temperature_c'),
      alarmBits,
    };
  });
  return {
    row: {
      bessNumber: unit,
      ...base,
      mode,
      socPct: num(p, 'soc_pct'),
      powerKw: num(p, 'power'),
      capacityKwh: num(p, 'capacity_kwh'),
      chargeEnergyKwh: num(p, 'charge_energy_kwh'),
      dischargeEnergyKwh: num(p, 'discharge_energy_kwh'),
    },
    racks,
  };
}

const PCS_WORD_ALERTS: Partial<Record<(typeof PCS_ALERT_WORDS)[number], { level: AlertLevel; text: string }>> = {
  inverter_inhibits1_status: { level: 'warning', text: 'Inverter Inhibited' },
  environment_status: { level: 'warning', text: 'Environment Abnormal' },
  warning_status: { level: 'warning', text: 'Warning' },
  grid_status: { level: 'protection', text: 'Grid Abnormal' },
  fault_status1: { level: 'fault', text: 'Fault 1' },
  fault_status2: { level: 'fault', text: 'Fault 2' },
};

function parsePcs(p: Obj, unit: number, base: Base, source: string, alerts: ActiveAlert[]): PcsRow {
  const words = obj(p, 'alerts');
  const columns = {} as Record<PcsWordColumn, number>;
  for (const word of PCS_ALERT_WORDS) {
    const value = num(words, word);
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new Invalid(`alerts.${word} must be 0…65535`);
    columns[PCS_WORD_COLUMNS[word]] = value;
    const alert = PCS_WORD_ALERTS[word];
    if (alert && value !== 0) {
      const hex = `0x${value.toString(16).padStart(4, '0')}`;
      alerts.push({ source, code: word, level: alert.level, message: `${source}: ${alert.text} (${hex})` });
    }
  }
  return {
    pcsNumber: unit,
    ...base,
    mode: text(p, 'mode', 16),
    powerKw: num(p, 'power'),
    reactivePower: num(p, 'reactive_power'),
    dcVoltage: num(p, 'dc_voltage'),
    ...columns,
  };
}

function parseMeter(p: Obj, unit: number, base: Base): MeterRow {
  return {
    meterId: unit,
    ...base,
    phaseACurrent: num(p, 'phase_a_current'),
    phaseBCurrent: num(p, 'phase_b_current'),
    phaseCCurrent: num(p, 'phase_c_current'),
    phaseAVoltage: num(p, 'phase_a_voltage'),
    phaseBVoltage: num(p, 'phase_b_voltage'),
    phaseCVoltage: num(p, 'phase_c_voltage'),
    activePower: num(p, 'active_power'),
    reactivePower: num(p, 'reactive_power'),
    apparentPower: num(p, 'apparent_power'),
    frequency: num(p, 'frequency'),
    powerFactor: num(p, 'power_factor'),
    energyKwh: num(p, 'energy'),
  };
}

function parseInverter(p: Obj, unit: number, base: Base): InverterRow {
  const inv = obj(p, 'inverter');
  const detail: InverterDetail = {
    mppt: list(p, 'mppt').map((m) => ({
      mppt_id: num(m, 'mppt_id'),
      voltage: num(m, 'voltage'),
      current: num(m, 'current'),
      power: num(m, 'power'),
    })),
    strings: list(p, 'strings').map((s) => ({ string_id: num(s, 'string_id'), current: num(s, 'current') })),
    phases: list(p, 'phases').map((ph) => ({
      phase: text(ph, 'phase', 1),
      voltage: num(ph, 'voltage'),
      current: num(ph, 'current'),
    })),
    irradiance_w_m2: typeof p.irradiance_w_m2 === 'number' ? p.irradiance_w_m2 : null,
  };
  return {
    inverterNumber: unit,
    ...base,
    nominalActivePower: num(inv, 'nominal_active_power'),
    totalActivePower: num(inv, 'total_active_power'),
    totalApparentPower: num(inv, 'total_apparent_power'),
    totalReactivePower: num(inv, 'total_reactive_power'),
    dailyPowerYields: num(inv, 'daily_power_yields'),
    totalPowerYields: num(inv, 'total_power_yields'),
    internalTemperature: num(inv, 'internal_temperature'),
    busVoltage: num(inv, 'bus_voltage'),
    dcPower: num(inv, 'dc_power'),
    detail: JSON.stringify(detail),
  };
}
