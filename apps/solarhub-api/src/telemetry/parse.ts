import { MAX_UNITS } from '../solarhub-api.config';
import type { BessData, DeviceDataMessage, MeterData, PcsData, PvInverterData } from '@lib/contracts';
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
  /** Set by live ingestion: acknowledges the message to the broker, called once its rows are stored. */
  ack?: () => void;
}
export type ParsedTelemetry =
  | (Common & { kind: 'bess'; row: BessRow; racks: RackRow[] })
  | (Common & { kind: 'pcs'; row: PcsRow })
  | (Common & { kind: 'meter'; row: MeterRow })
  | (Common & { kind: 'inverter'; row: InverterRow });

export type ParseResult = { ok: ParsedTelemetry } | { skip: string } | { error: string };

const SOURCE_PREFIX = { bess: 'BESS', pcs: 'PCS', meter: 'Meter', inverter: 'Inverter' } as const;
const FAULT_TEXT: Record<string, string> = {
  offline: 'Offline',
  stuck: 'Stuck Reading',
  spike: 'Abnormal Spike',
  comm_error: 'Communication Error',
};

/** The unit a device stands for: the number its id ends with (bess-1, site-pcs-02, meter3). */
export function unitOfDevice(deviceId: string): number | null {
  const match = /(\d+)$/.exec(deviceId);
  const n = match ? Number(match[1]) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_UNITS ? n : null;
}

type Base = { deviceId: string; seq: number; ts: number };
type Context = { unit: number; base: Base; source: string; alerts: ActiveAlert[] };

/**
 * One telemetry message, already validated against its contract class (decodeBusMessage), as
 * history rows and the alarms it shows. Loads and chargers are skipped; a device whose id names no
 * unit is an error.
 */
export function parseTelemetry(message: DeviceDataMessage): ParseResult {
  const asset = message;
  if (!isStored(asset)) return { skip: `device_type ${String(message.device_type)} is not ingested` };
  const unit = unitOfDevice(asset.device_id);
  if (unit === null) return { error: `device_id ${asset.device_id} must end with a unit number 1-${MAX_UNITS}` };
  const kind = asset.device_type === 'pv_inverter' ? 'inverter' : asset.device_type;
  const source = `${SOURCE_PREFIX[kind]}${unit}`;
  const alerts: ActiveAlert[] = [];
  if (asset.fault) {
    const what = FAULT_TEXT[asset.fault] ?? asset.fault;
    alerts.push({ source, code: `device_${asset.fault}`, level: 'fault', message: `${source}: ${what}` });
  }
  const ctx: Context = {
    unit,
    base: { deviceId: asset.device_id, seq: asset.seq, ts: Date.parse(asset.timestamp) },
    source,
    alerts,
  };
  const common = { unit, source, alerts };
  switch (asset.device_type) {
    case 'bess':
      return { ok: { kind: 'bess', ...common, ...bessRows(asset, ctx) } };
    case 'pcs':
      return { ok: { kind: 'pcs', ...common, row: pcsRow(asset, ctx) } };
    case 'meter':
      return { ok: { kind: 'meter', ...common, row: meterRow(asset, ctx) } };
    case 'pv_inverter':
      return { ok: { kind: 'inverter', ...common, row: inverterRow(asset, ctx) } };
  }
}

function isStored(m: DeviceDataMessage): m is BessData | PcsData | MeterData | PvInverterData {
  return (
    m.device_type === 'bess' || m.device_type === 'pcs' || m.device_type === 'meter' || m.device_type === 'pv_inverter'
  );
}

function bessRows(p: BessData, { unit, base, source, alerts }: Context): { row: BessRow; racks: RackRow[] } {
  const racks = p.racks.map((r): RackRow => {
    let alarmBits = 0;
    for (const alarm of RACK_ALARMS) {
      if (r.alarms[alarm.flag]) {
        alarmBits |= alarm.bit;
        alerts.push({
          source: `${source} ${r.rack_number}`,
          code: alarm.flag,
          level: alarm.level,
          message: `${source} ${r.rack_number}: ${alarm.text}`,
        });
      }
    }
    return {
      bessNumber: unit,
      rackNumber: r.rack_number,
      ...base,
      mode: r.mode,
      voltage: r.voltage,
      current: r.current,
      socPct: r.soc_pct,
      temperatureC: r.temperature_c,
      alarmBits,
    };
  });
  return {
    row: {
      bessNumber: unit,
      ...base,
      mode: p.mode,
      socPct: p.soc_pct,
      powerKw: p.power,
      capacityKwh: p.capacity_kwh,
      chargeEnergyKwh: p.charge_energy_kwh,
      dischargeEnergyKwh: p.discharge_energy_kwh,
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

function pcsRow(p: PcsData, { unit, base, source, alerts }: Context): PcsRow {
  const columns = {} as Record<PcsWordColumn, number>;
  for (const word of PCS_ALERT_WORDS) {
    const value = p.alerts[word];
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
    mode: p.mode,
    powerKw: p.power,
    reactivePower: p.reactive_power,
    dcVoltage: p.dc_voltage,
    ...columns,
  };
}

function meterRow(p: MeterData, { unit, base }: Context): MeterRow {
  return {
    meterId: unit,
    ...base,
    phaseACurrent: p.phase_a_current,
    phaseBCurrent: p.phase_b_current,
    phaseCCurrent: p.phase_c_current,
    phaseAVoltage: p.phase_a_voltage,
    phaseBVoltage: p.phase_b_voltage,
    phaseCVoltage: p.phase_c_voltage,
    activePower: p.active_power,
    reactivePower: p.reactive_power,
    apparentPower: p.apparent_power,
    frequency: p.frequency,
    powerFactor: p.power_factor,
    energyKwh: p.energy,
  };
}

function inverterRow(p: PvInverterData, { unit, base }: Context): InverterRow {
  const inv = p.inverter;
  const detail: InverterDetail = {
    mppt: p.mppt.map(({ mppt_id, voltage, current, power }) => ({ mppt_id, voltage, current, power })),
    strings: p.strings.map(({ string_id, current }) => ({ string_id, current })),
    phases: p.phases.map(({ phase, voltage, current }) => ({ phase, voltage, current })),
    irradiance_w_m2: p.irradiance_w_m2,
  };
  return {
    inverterNumber: unit,
    ...base,
    nominalActivePower: inv.nominal_active_power,
    totalActivePower: inv.total_active_power,
    totalApparentPower: inv.total_apparent_power,
    totalReactivePower: inv.total_reactive_power,
    dailyPowerYields: inv.daily_power_yields,
    totalPowerYields: inv.total_power_yields,
    internalTemperature: inv.internal_temperature,
    busVoltage: inv.bus_voltage,
    dcPower: inv.dc_power,
    detail: JSON.stringify(detail),
  };
}
