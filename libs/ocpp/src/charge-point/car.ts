import { NOMINAL_VOLTAGE_V } from '../units';

/** An EV as a driver brings it (iot-mock's plug_in command, the simulated drivers). */
export interface Ev {
  socPct: number;
  capacityKwh: number;
  maxCurrentA: number;
  phases: 1 | 3;
  idTag: string;
}

/**
 * A car on a connector of a simulated charge point. With a battery it fills up (and tapers above
 * 80 % SOC); without one (`battery: null`) it draws its maximum for as long as it is plugged in.
 */
export interface Car {
  idTag: string;
  /** The most it draws (W). */
  maxPowerW: number;
  phases: 1 | 3;
  battery: { socPct: number; capacityKwh: number } | null;
}

/** The car an EV is: its maximum current on its phases at the nominal voltage. */
export function carOfEv(ev: Ev): Car {
  return {
    idTag: ev.idTag,
    maxPowerW: ev.maxCurrentA * NOMINAL_VOLTAGE_V * ev.phases,
    phases: ev.phases,
    battery: { socPct: ev.socPct, capacityKwh: ev.capacityKwh },
  };
}

/** Above this SOC the car's battery management lowers what it accepts. */
export const TAPER_FROM_SOC_PCT = 80;

/**
 * What the car draws (W) under the limit its charging profiles set now, on a charger that can
 * give `chargerMaxW`: the least of the three, lowered above 80 % SOC (to 5 % of its maximum at
 * the least), nothing once full.
 */
export function carDrawW(car: Car, limitW: number, chargerMaxW: number): number {
  const soc = car.battery?.socPct ?? null;
  if (soc !== null && soc >= 100) return 0;
  const taper = soc === null || soc < TAPER_FROM_SOC_PCT ? 1 : Math.max(0.05, (100 - soc) / (100 - TAPER_FROM_SOC_PCT));
  return Math.max(0, Math.min(limitW, car.maxPowerW * taper, chargerMaxW));
}

/** The current (A per phase) a draw makes at the nominal voltage. */
export const drawCurrentA = (powerW: number, phases: number): number => powerW / (NOMINAL_VOLTAGE_V * phases);
