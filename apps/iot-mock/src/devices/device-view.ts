import { roundTo } from '@lib/power';
import type { DeviceView } from '@lib/contracts';
import type { SimulatedDevice } from '@lib/site-models';

export type { DeviceView };

export function deviceView(device: SimulatedDevice): DeviceView {
  const r = device.record;
  return {
    device_id: r.id,
    device_type: r.type,
    name: r.name,
    location: r.location,
    base_power: r.basePowerKw,
    base_voltage: r.baseVoltageV,
    enabled: r.enabled,
    powered_on: r.poweredOn,
    power_setpoint: r.powerSetpointKw,
    interval_s: r.intervalMs === null ? null : r.intervalMs / 1000,
    status: device.online ? 'online' : 'offline',
    fault: device.fault,
    energy: Math.round(r.energyKwh * 10_000) / 10_000,
    seq: r.seq,
    created_at: r.createdAt.toISOString(),
    battery:
      r.asset && (r.type === 'bess' || r.type === 'pcs')
        ? {
            mode: r.asset.mode,
            setpoint_kw: r.asset.setpointKw,
            soc_pct: r.type === 'bess' ? roundTo(r.asset.socPct, 2) : null,
            capacity_kwh: r.type === 'bess' ? r.asset.capacityKwh : null,
          }
        : null,
    last_reading: device.latest,
  };
}
