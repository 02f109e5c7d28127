import type { DeviceType } from '@lib/contracts';

export interface DeviceTypeInfo {
  type: DeviceType;
  description: string;
  defaultPowerKw: number;
  defaultVoltageV: number;
  /** 3 for three-phase loads: current = P / (√3 · V); 1 otherwise: current = P / V. */
  phases: 1 | 3;
  /** What shapes its day. */
  pattern: string;
}

export const DEVICE_TYPE_INFO: Record<DeviceType, DeviceTypeInfo> = {
  hvac: {
    type: 'hvac',
    description: 'Heating, ventilation and air conditioning units',
    defaultPowerKw: 25,
    defaultVoltageV: 400,
    phases: 3,
    pattern: 'follows the outdoor temperature (peak mid-afternoon)',
  },
  lighting: {
    type: 'lighting',
    description: 'LED lighting systems and smart bulbs',
    defaultPowerKw: 8.5,
    defaultVoltageV: 230,
    phases: 1,
    pattern: 'occupancy hours 07:00-19:00, dimmed evenings, night lights',
  },
  server: {
    type: 'server',
    description: 'Data center and server room equipment',
    defaultPowerKw: 45,
    defaultVoltageV: 230,
    phases: 1,
    pattern: 'flat around the clock, with noise',
  },
  industrial: {
    type: 'industrial',
    description: 'Manufacturing and production equipment',
    defaultPowerKw: 120,
    defaultVoltageV: 400,
    phases: 3,
    pattern: 'two shifts (06:00-14:00, 14:00-22:00), idle at night',
  },
  appliance: {
    type: 'appliance',
    description: 'Kitchen and office appliances',
    defaultPowerKw: 15,
    defaultVoltageV: 230,
    phases: 1,
    pattern: 'meal peaks at 07:00, 12:00 and 19:00',
  },
  pv_inverter: {
    type: 'pv_inverter',
    description: 'Solar inverter with MPPT trackers and strings; power is its AC output',
    defaultPowerKw: 500,
    defaultVoltageV: 400,
    phases: 3,
    pattern: 'irradiance curve from 06:00 to 18:00 with passing clouds',
  },
  bess: {
    type: 'bess',
    description: 'Battery energy storage with 12 racks; charges and discharges on command',
    defaultPowerKw: 500,
    defaultVoltageV: 400,
    phases: 3,
    pattern: 'follows charge / discharge commands; SOC integrates its power',
  },
  pcs: {
    type: 'pcs',
    description: 'Power conversion system of a battery, with its seven 16-bit status words',
    defaultPowerKw: 500,
    defaultVoltageV: 400,
    phases: 3,
    pattern: 'follows charge / discharge commands',
  },
  ev_charger: {
    type: 'ev_charger',
    description: 'OCPP 1.6-J charge point (one connector) that dials the CSMS and charges a simulated EV',
    defaultPowerKw: 22.08,
    defaultVoltageV: 400,
    phases: 3,
    pattern: 'charges a plugged-in EV within its charging profiles; tapers above 80 % SOC',
  },
  meter: {
    type: 'meter',
    description: 'Three-phase grid meter: currents, voltages, powers, frequency around 60 Hz',
    defaultPowerKw: 300,
    defaultVoltageV: 400,
    phases: 3,
    pattern: 'site import: day-time base load with noise',
  },
};

/**
 * The site's wall clock as the models need it: the local hour of day (fractional) and the local
 * calendar day (YYYY-MM-DD). libs/config's SiteClock (SITE_TIMEZONE) is one; UTC is the default.
 */
export interface DayClock {
  hourOfDay(ms: number): number;
  date(ms: number): string;
}

export const UTC_CLOCK: DayClock = {
  hourOfDay: (ms) => {
    const at = new Date(ms);
    return at.getUTCHours() + at.getUTCMinutes() / 60 + at.getUTCSeconds() / 3600;
  },
  date: (ms) => new Date(ms).toISOString().slice(0, 10),
};

const bump = (hour: number, centre: number, widthH: number): number =>
  Math.exp(-((hour - centre) ** 2) / (2 * widthH ** 2));

/** A plausible outdoor temperature (°C): 14 °C before dawn, 30 °C mid-afternoon. */
export const outdoorTemperatureC = (hour: number): number => 22 + 8 * Math.sin((2 * Math.PI * (hour - 9)) / 24);

/** The share (0…~1.1) of a device's rated power it draws at `at`, on the given clock (UTC by default). */
export const loadFactor = (type: DeviceType, at: Date, clock: DayClock = UTC_CLOCK): number =>
  loadFactorAtHour(type, clock.hourOfDay(at.getTime()));

/** The share (0…~1.1) of a device's rated power it draws at this local hour of day (0 ≤ h < 24), before noise. */
export function loadFactorAtHour(type: DeviceType, h: number): number {
  switch (type) {
    case 'lighting':
      if (h >= 7 && h < 19) return 1;
      if (h >= 19 && h < 23) return 0.35;
      return 0.1;
    case 'hvac':
      return Math.min(1.1, Math.max(0.2, Math.abs(outdoorTemperatureC(h) - 21) / 9));
    case 'server':
      return 0.9;
    case 'industrial':
      if (h >= 6 && h < 14) return 1;
      if (h >= 14 && h < 22) return 0.85;
      return 0.2;
    case 'appliance':
      return Math.min(1, 0.15 + 0.85 * Math.max(bump(h, 7, 0.6), bump(h, 12, 0.8), bump(h, 19, 0.8)));
    case 'pv_inverter':
      return clearSkyFactor(h);
    case 'meter':
      return h >= 7 && h < 19 ? 0.8 : 0.45;
    case 'bess':
    case 'pcs':
    case 'ev_charger':
      return 0;
  }
}

/** Clear-sky irradiance as a share of 1,000 W/m²: a sine from 06:00 to 18:00 local time. */
export const clearSkyFactor = (hour: number): number =>
  hour <= 6 || hour >= 18 ? 0 : Math.sin((Math.PI * (hour - 6)) / 12) ** 1.2;
