import type { DeviceType } from '@lib/contracts';
import { seededRandom } from '@lib/power';
import { DeviceRecord, SimulatedDevice, newDeviceRecord } from '@lib/site-models';

/** Devices built from the site models, for tests: a fixed seed, created at the epoch. */
export const at = (hhmm: string): Date => new Date(`2026-11-23T${hhmm}:00Z`);

export function aDevice(overrides: Partial<DeviceRecord> = {}): SimulatedDevice {
  const type: DeviceType = overrides.type ?? 'server';
  const base = newDeviceRecord({
    id: `mock-${type}-001`,
    type,
    name: 'test',
    basePowerKw: overrides.basePowerKw,
    createdAt: new Date(0),
  });
  return new SimulatedDevice({ ...base, ...overrides }, seededRandom(1));
}

export const quiet = { variation: 0, faultProbability: 0 };
