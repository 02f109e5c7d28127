import { roundTo } from '@lib/power';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { MAX_CONSUMPTION_MW, MAX_DEVICE_POWER_KW } from '@lib/contracts';

/** The largest site charging limit the CSMS accepts (W): the maximum of SiteChargingLimitDto. */
export const MAX_SITE_CHARGING_LIMIT_W = 100_000_000;

/** `value` inside [min, max]; anything not finite becomes `min`, so no command carries NaN. */
export function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, value));
}

/** What a load may be told to draw (kW): its configured maximum; cooling, that of the cooled loads; else 0. */
export function loadMaxKw(config: Pick<GridpilotConfig, 'loads' | 'site'>, load: string): number {
  const configured = config.loads.find((l) => l.name === load);
  if (configured) return Math.min(configured.maxKw, MAX_DEVICE_POWER_KW);
  if (load !== 'cooling') return 0;
  const cooledKw = config.loads.filter((l) => l.cooled).reduce((s, l) => s + l.maxKw, 0);
  return Math.min(cooledKw * config.site.coolingRatio, MAX_DEVICE_POWER_KW);
}

/** The device set point of `load`, inside the load's bounds. */
export const deviceSetPointKw = (config: Pick<GridpilotConfig, 'loads' | 'site'>, load: string, kw: number): number =>
  clamp(kw, 0, loadMaxKw(config, load));

/** The consumption announced to the plant (kW), inside what plant-simulator accepts. */
export const plantConsumptionKw = (kw: number): number => clamp(kw, 0, MAX_CONSUMPTION_MW * 1000);

/** The EV share as the site charging limit (W, whole). */
export const siteChargingLimitW = (evKw: number): number =>
  Math.round(clamp(evKw * 1000, 0, MAX_SITE_CHARGING_LIMIT_W));

/** The battery as a dispatch target sees it: its power and the SOC band the plan keeps it in. */
export type BatteryLimits = Pick<GridpilotConfig['battery'], 'maxPowerKw' | 'socMin' | 'socMax'>;

/**
 * The BESS set-point (kW, BessSetPointCommand's sign: + discharge, − charge) for the plan's battery
 * power (`batteryKw`, + charging as in the plan), inside the battery's power, no charging at or
 * above `socMax` and no discharging at or below `socMin` (SOC as a fraction).
 */
export function batterySetPointKw(limits: BatteryLimits, batteryKw: number, soc: number): number {
  if (!Number.isFinite(batteryKw)) return 0;
  const maxKw = clamp(limits.maxPowerKw, 0, MAX_DEVICE_POWER_KW);
  let powerKw = clamp(-batteryKw, -maxKw, maxKw);
  if (powerKw < 0 && !(soc < limits.socMax)) powerKw = 0;
  if (powerKw > 0 && !(soc > limits.socMin)) powerKw = 0;
  // No "-0" on the wire.
  return powerKw === 0 ? 0 : roundTo(powerKw, 3);
}
