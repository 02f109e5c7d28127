import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { IotMockConfig } from '@lib/config';
import type { DeviceCommandName } from '@lib/contracts';
import { DevicesService } from '../devices/devices.service';
import { IOT_MOCK_CONFIG } from '../iot-mock.tokens';
import { CommandError, SimulatedDevice } from '../simulation/simulated-device';
import { Ev, OcppChargePoint } from './ocpp-charge-point';

const num = (v: unknown, name: string, min: number, max: number, fallback: number): number => {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new CommandError(`parameters.${name} must be a number between ${min} and ${max}`);
  return v;
};

/** Gives every ev_charger device its OCPP charge point, dialing the CSMS, for as long as it exists. */
@Injectable()
export class EvChargersService implements OnApplicationShutdown {
  private readonly logger = new Logger('ev-chargers');
  private readonly points = new Map<string, OcppChargePoint>();

  constructor(
    @Inject(IOT_MOCK_CONFIG) private readonly config: IotMockConfig,
    devices: DevicesService,
  ) {
    devices.onChange((device, event) => {
      if (device.record.type !== 'ev_charger') return;
      if (event === 'added') this.attach(device);
      if (event === 'removed') void this.detach(device.id);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.points.keys()].map((id) => this.detach(id)));
  }

  handles(device: SimulatedDevice, command: DeviceCommandName): boolean {
    return command === 'plug_in' || command === 'unplug' ? device.record.type === 'ev_charger' : false;
  }

  /** plug_in {soc_pct, capacity_kwh, max_current_a, phases, id_tag} and unplug, over OCPP. */
  async apply(
    device: SimulatedDevice,
    command: DeviceCommandName,
    p: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const point = this.points.get(device.id);
    if (!point) throw new CommandError('the charge point is not running');
    try {
      if (command === 'unplug') return await point.unplug();
      const phases = num(p.phases, 'phases', 1, 3, 3);
      if (phases !== 1 && phases !== 3) throw new CommandError('parameters.phases must be 1 or 3');
      const ev: Ev = {
        socPct: num(p.soc_pct, 'soc_pct', 0, 100, 20),
        capacityKwh: num(p.capacity_kwh, 'capacity_kwh', 1, 500, 60),
        maxCurrentA: num(p.max_current_a, 'max_current_a', 6, 63, 32),
        phases,
        idTag: typeof p.id_tag === 'string' && p.id_tag.length > 0 && p.id_tag.length <= 20 ? p.id_tag : 'SIM-EV',
      };
      return await point.plugIn(ev);
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError((error as Error).message);
    }
  }

  private attach(device: SimulatedDevice): void {
    if (this.points.has(device.id)) return;
    const point = new OcppChargePoint(
      device.id,
      `${this.config.ev.csmsUrl}/${device.id}`,
      device.record.basePowerKw * 1000,
      this.config.ev.meterIntervalMs,
    );
    device.external = { powerKw: (now, dtMs) => point.powerKw(now, dtMs), block: () => point.block() };
    this.points.set(device.id, point);
    point.start();
    this.logger.log(`${device.id}: dialing ${this.config.ev.csmsUrl}/${device.id}`);
  }

  private async detach(id: string): Promise<void> {
    const point = this.points.get(id);
    this.points.delete(id);
    await point?.stop();
  }
}
