/**
 * The loads page's view of iot-mock's fleet: devices grouped by type, the live reading preferred
 * to the REST one when it is newer, which commands each type takes (as iot-mock's device model
 * accepts them), set-point checks, and an acknowledgement in words.
 */
import type { DeviceCommandAck, DeviceDataMessage, DeviceFault, DeviceStatus } from '@lib/contracts';
import type { IotAnswer, IotSchema } from '../api/types';
import { formatPowerKw } from './units';

/**
 * A device as iot-mock's REST API shows it (GET /api/v1/devices), its last reading with the
 * type-specific fields too (the document names the common ones).
 */
export type FleetDevice = Omit<IotSchema<'DeviceView'>, 'last_reading'> & {
  last_reading: (IotSchema<'DeviceDataMessage'> & Record<string, unknown>) | null;
};

/** GET /api/v1/simulation/status. */
export type SimulationStatus = IotAnswer<'/api/v1/simulation/status'>;

export interface TypeGroup {
  type: string;
  label: string;
  devices: FleetDevice[];
}

export interface FleetSection {
  title: string;
  groups: TypeGroup[];
}

/** The load types of document 002, then the site's energy assets (libs/contracts' order). */
export const LOAD_TYPES = ['hvac', 'lighting', 'server', 'industrial', 'appliance'] as const;
export const ASSET_TYPES = ['pv_inverter', 'bess', 'pcs', 'meter', 'ev_charger'] as const;

const TYPE_LABELS: Record<string, string> = {
  hvac: 'HVAC',
  lighting: 'Lighting',
  server: 'Servers',
  industrial: 'Industrial',
  appliance: 'Appliances',
  pv_inverter: 'PV inverters',
  bess: 'Battery storage (BESS)',
  pcs: 'Power conversion (PCS)',
  meter: 'Meters',
  ev_charger: 'EV chargers',
};

export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

/**
 * The fleet in two sections, loads then site assets, each type a group (types without devices
 * left out), devices by name; a type the page does not know goes with the assets.
 */
export function groupFleet(devices: readonly FleetDevice[]): FleetSection[] {
  const byType = new Map<string, FleetDevice[]>();
  for (const d of devices) {
    let list = byType.get(d.device_type);
    if (!list) byType.set(d.device_type, (list = []));
    list.push(d);
  }
  const group = (type: string): TypeGroup => ({
    type,
    label: typeLabel(type),
    devices: [...(byType.get(type) ?? [])].sort(
      (a, b) => a.name.localeCompare(b.name) || a.device_id.localeCompare(b.device_id),
    ),
  });
  const known = new Set<string>([...LOAD_TYPES, ...ASSET_TYPES]);
  const others = [...byType.keys()].filter((t) => !known.has(t)).sort();
  const sections: FleetSection[] = [
    { title: 'Loads', groups: LOAD_TYPES.map(group) },
    { title: 'Site assets', groups: [...ASSET_TYPES, ...others].map(group) },
  ];
  return sections
    .map((s) => ({ ...s, groups: s.groups.filter((g) => g.devices.length > 0) }))
    .filter((s) => s.groups.length > 0);
}

/** What the row shows now: the live reading and status when they are newer than the REST answer. */
export interface DeviceNow {
  /** kW (batteries: + discharging) or null when nothing was read yet. */
  powerKw: number | null;
  status: DeviceStatus;
  enabled: boolean;
  fault: DeviceFault | null;
  /** When the reading was taken (ISO), null when none. */
  readAt: string | null;
  source: 'live' | 'rest' | 'none';
}

const time = (iso: string | null | undefined): number => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};

export function deviceNow(
  device: FleetDevice,
  live: Pick<DeviceDataMessage, 'power' | 'timestamp'> | undefined,
  liveStatus: { status: DeviceStatus; enabled: boolean; fault?: DeviceFault | null; timestamp: string } | undefined,
): DeviceNow {
  const rest = device.last_reading;
  const useLive = live !== undefined && (rest === null || time(live.timestamp) >= time(rest.timestamp));
  const reading = useLive ? live : rest;
  // The REST view is refreshed every 10 s; a retained status message newer than it wins.
  const statusLive = liveStatus !== undefined && time(liveStatus.timestamp) >= time(rest?.timestamp ?? null);
  return {
    powerKw: reading ? reading.power : null,
    status: statusLive ? liveStatus.status : device.status,
    enabled: statusLive ? liveStatus.enabled : device.enabled,
    fault: statusLive ? (liveStatus.fault ?? null) : device.fault,
    readAt: reading ? reading.timestamp : null,
    source: useLive ? 'live' : rest ? 'rest' : 'none',
  };
}

export type SetPointKind = 'set_power' | 'battery' | null;

/** The commands a device of `type` accepts (iot-mock's SimulatedDevice.apply and the EV chargers). */
export interface DeviceCommands {
  /** turn_on / turn_off (a battery's turn_off also puts it in Standby). */
  onOff: boolean;
  /** enable / disable: whether it publishes readings. */
  enable: boolean;
  /** set_power {power} for loads and meters, charge/discharge {power} for bess and pcs. */
  setPoint: SetPointKind;
  /** plug_in / unplug of a simulated EV. */
  plug: boolean;
}

export function commandsFor(type: string): DeviceCommands {
  const battery = type === 'bess' || type === 'pcs';
  const ev = type === 'ev_charger';
  return { onOff: true, enable: true, setPoint: battery ? 'battery' : ev ? null : 'set_power', plug: ev };
}

/**
 * The range a set-point may take (kW): set_power 0 … 2 × rated power; a battery's charge or
 * discharge above 0 and at most its rated power.
 */
export function setPointRange(device: Pick<FleetDevice, 'device_type' | 'base_power'>): {
  min: number;
  max: number;
  minExclusive: boolean;
} {
  const kind = commandsFor(device.device_type).setPoint;
  return kind === 'battery'
    ? { min: 0, max: device.base_power, minExclusive: true }
    : { min: 0, max: device.base_power * 2, minExclusive: false };
}

/** The typed set-point in kW, or null when it is not a number in range. */
export function parseSetPoint(text: string, range: { min: number; max: number; minExclusive: boolean }): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return null;
  if (range.minExclusive ? value <= range.min : value < range.min) return null;
  if (value > range.max) return null;
  return value;
}

const COMMAND_WORDS: Record<string, string> = {
  set_power: 'Set-point',
  turn_on: 'Turn on',
  turn_off: 'Turn off',
  enable: 'Enable',
  disable: 'Disable',
  charge: 'Charge',
  discharge: 'Discharge',
  plug_in: 'Plug in',
  unplug: 'Unplug',
  set_interval: 'Interval',
  inject_fault: 'Fault',
  clear_fault: 'Clear fault',
};

function resultPart(key: string, value: unknown): string {
  if (key === 'power_setpoint_kw' && typeof value === 'number') return `set-point ${formatPowerKw(value)}`;
  if (key === 'power_kw' && typeof value === 'number') return formatPowerKw(value);
  if (key === 'powered_on') return value ? 'on' : 'off';
  if (key === 'enabled') return value ? 'enabled' : 'disabled';
  if (key === 'stored' && value === false) return 'not stored yet';
  if (key === 'mode' && typeof value === 'string') return value;
  if (key === 'interval_s' && typeof value === 'number') return `every ${value} s`;
  if (key === 'fault') return typeof value === 'string' ? `fault ${value}` : 'no fault';
  return `${key.replace(/_/g, ' ')} ${typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value)}`;
}

function resultText(result: Record<string, unknown> | undefined): string {
  return result
    ? Object.entries(result)
        .map(([k, v]) => resultPart(k, v))
        .join(', ')
    : '';
}

/** An acknowledgement in words: "Set-point acknowledged (set-point 30.0 kW)" or "Turn on refused: …". */
export function ackText(ack: Pick<DeviceCommandAck, 'command' | 'success' | 'result' | 'error'>): string {
  const what = ack.command ? (COMMAND_WORDS[ack.command] ?? ack.command) : 'Command';
  if (!ack.success) return `${what} refused: ${ack.error ?? 'no reason given'}`;
  const detail = resultText(ack.result);
  return detail ? `${what} acknowledged (${detail})` : `${what} acknowledged`;
}
