/**
 * The site page's energy-flow picture from the live feed: what the plant generates, what the
 * loads, the battery and the EV chargers take, and what goes to or comes from the grid. All kW.
 * Each figure comes from its own source (the plant's reading, each device's telemetry, the
 * CSMS's meter values), so the picture shows them as measured and the rest as `unmetered`.
 */
import type { PlantReadingMessage } from '@lib/contracts';

/** The plant's totals of its bus reading (energy/plants/+/reading, libs/contracts). */
export type PlantTotals = Pick<
  PlantReadingMessage['reading']['totals'],
  'generation_mw' | 'consumption_mw' | 'exported_mw'
>;

export interface DeviceReading {
  device_type?: string;
  power: number;
  status?: string;
}

export const LOAD_TYPES = ['hvac', 'lighting', 'server', 'industrial', 'appliance'] as const;

export interface FlowInput {
  plant: PlantTotals | null;
  devices: DeviceReading[];
  /** The CSMS's measured EV charging (W), null when no station reports. */
  evPowerW: number | null;
}

export interface EnergyFlow {
  /** The plant's generation. */
  generationKw: number | null;
  /** The steerable loads (iot-mock's five load types). */
  loadsKw: number;
  /** Battery power: positive discharges into the site, negative charges. */
  batteryKw: number | null;
  /** EV charging. */
  evKw: number;
  /** Positive exports to the grid, negative imports. */
  gridKw: number | null;
  /** The site consumption the plant reports that no device accounts for (≥ 0). */
  unmeteredKw: number | null;
  /** Which way each line of the picture flows. */
  direction: { battery: 'charging' | 'discharging' | 'idle'; grid: 'export' | 'import' | 'idle' };
}

/** Below this a flow is drawn as idle: meters are never exactly zero. */
const IDLE_KW = 0.05;

export function energyFlow(input: FlowInput): EnergyFlow {
  let loadsKw = 0;
  let batteryKw: number | null = null;
  let evFromDevices = 0;
  for (const d of input.devices) {
    if (!Number.isFinite(d.power) || d.status === 'offline') continue;
    const type = d.device_type ?? '';
    if ((LOAD_TYPES as readonly string[]).includes(type)) loadsKw += Math.max(0, d.power);
    else if (type === 'bess') batteryKw = (batteryKw ?? 0) + d.power;
    else if (type === 'ev_charger') evFromDevices += Math.max(0, d.power);
  }
  // The CSMS is the truth for EV charging (it works with any charger); device telemetry only without it.
  const evKw = input.evPowerW !== null ? Math.max(0, input.evPowerW) / 1000 : evFromDevices;
  const generationKw = input.plant ? input.plant.generation_mw * 1000 : null;
  const gridKw = input.plant ? input.plant.exported_mw * 1000 : null;
  const unmeteredKw = input.plant ? Math.max(0, input.plant.consumption_mw * 1000 - loadsKw - evKw) : null;
  const battery = batteryKw;
  return {
    generationKw,
    loadsKw,
    batteryKw,
    evKw,
    gridKw,
    unmeteredKw,
    direction: {
      battery: battery === null || Math.abs(battery) < IDLE_KW ? 'idle' : battery > 0 ? 'discharging' : 'charging',
      grid: gridKw === null || Math.abs(gridKw) < IDLE_KW ? 'idle' : gridKw > 0 ? 'export' : 'import',
    },
  };
}
