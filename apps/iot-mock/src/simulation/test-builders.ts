import type { DeviceType } from '@lib/contracts';
import { seededRandom } from '@lib/power';
import { initialAssetState } from './assets';
import { DEVICE_TYPE_INFO } from './profiles';
import { DeviceRecord, SimulatedDevice } from './simulated-device';

/** Test data builders for the simulation's unit tests. */
export const at = (hhmm: string): Date => new Date(`2026-11-23T${hhmm}:00Z`);

export function aDevice(overrides: Partial<DeviceRecord> = {}): SimulatedDevice {
  const type: DeviceType = overrides.type ?? 'server';
  return new SimulatedDevice(
    {
      id: `mock-${type}-001`,
      type,
      name: 'test',
      location: '',
      basePowerKw: DEVICE_TYPE_INFO[type].defaultPowerKw,
      baseVoltageV: DEVICE_TYPE_INFO[type].defaultVoltageV,
      enabled: true,
      poweredOn: true,
      powerSetpointKw: null,
      intervalMs: null,
      energyKwh: 0,
      seq: 0,
      createdAt: new Date(0),
      asset: initialAssetState(type, overrides.basePowerKw ?? DEVICE_TYPE_INFO[type].defaultPowerKw),
      ...overrides,
    },
    seededRandom(1),
  );
}

export const quiet = { variation: 0, faultProbability: 0 };
