import type {
  DeviceCommandName,
  DeviceDataMessage,
  DeviceFault,
  DeviceStatusMessage,
  DeviceType,
} from '@lib/contracts';
import { DEVICE_FAULTS, isoSeconds } from '@lib/contracts';
import { Random, roundTo } from '@lib/power';
import {
  AssetState,
  applyBatterySetPoint,
  assetBlock,
  batteryPowerKw,
  driftAsset,
  initialAssetState,
  integrateAsset,
  isBattery,
} from './assets';
import { DEVICE_TYPE_INFO, type DayClock, UTC_CLOCK, loadFactor } from './profiles';

/** What is stored of a device; the rest of its state lives only while the simulator runs. */
export interface DeviceRecord {
  id: string;
  type: DeviceType;
  name: string;
  location: string;
  basePowerKw: number;
  baseVoltageV: number;
  enabled: boolean;
  poweredOn: boolean;
  /** Set by `set_power`: the device then draws this instead of its daily profile. */
  powerSetpointKw: number | null;
  /** Per-device interval set by `set_interval`; null follows SIMULATION_INTERVAL. */
  intervalMs: number | null;
  energyKwh: number;
  seq: number;
  createdAt: Date;
  /** Battery mode and SOC, PV yield, grid frequency: energy assets only. */
  asset: AssetState | null;
}

/** A new device as stored: type defaults for power and voltage, no energy yet, its asset state. */
export function newDeviceRecord(
  fields: Pick<DeviceRecord, 'id' | 'type' | 'name'> &
    Partial<Pick<DeviceRecord, 'location' | 'basePowerKw' | 'baseVoltageV' | 'enabled' | 'createdAt'>>,
): DeviceRecord {
  const info = DEVICE_TYPE_INFO[fields.type];
  const basePowerKw = fields.basePowerKw ?? info.defaultPowerKw;
  return {
    id: fields.id,
    type: fields.type,
    name: fields.name,
    location: fields.location ?? '',
    baseVoltageV: fields.baseVoltageV ?? info.defaultVoltageV,
    enabled: fields.enabled ?? true,
    createdAt: fields.createdAt ?? new Date(),
    basePowerKw,
    poweredOn: true,
    powerSetpointKw: null,
    intervalMs: null,
    energyKwh: 0,
    seq: 0,
    asset: initialAssetState(fields.type, basePowerKw),
  };
}

export interface SimulationSettings {
  variation: number;
  faultProbability: number;
}

/** A command refused; `result` (a battery's set-point result) goes into the ack as well. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly result?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const SPIKE_FACTOR = 3;

/**
 * One simulated device: its readings (daily profile × noise, or a set point), energy integrated
 * over time, faults, and the effect of commands. Pure: the clock and the randomness come in.
 */
export class SimulatedDevice {
  fault: DeviceFault | null = null;
  private faultUntil: number | null = null;
  private lastReading: DeviceDataMessage | null = null;
  private lastAt: number | null = null;
  /** Until when a battery's SOC and counters are integrated (ms since epoch). */
  private settledAt: number | null = null;
  /** A device whose power comes from elsewhere (an OCPP charge point): power and its data block. */
  external: { powerKw(now: Date, dtMs: number): number; block(): Record<string, unknown> } | null = null;
  /** When the next data message is due (ms since epoch); owned by the scheduler. */
  nextDueAt = 0;
  dirty = false;

  /** `clock` is the site's wall clock (SITE_TIMEZONE): daily profiles and daily yields follow it. */
  constructor(
    readonly record: DeviceRecord,
    private readonly random: Random,
    private readonly clock: DayClock = UTC_CLOCK,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get online(): boolean {
    return this.fault !== 'offline';
  }

  get latest(): DeviceDataMessage | null {
    return this.lastReading;
  }

  /**
   * The next reading. Returns null when nothing is sent: the device is disabled or offline.
   * A communication error still consumes a `seq`, so the consumer sees the gap.
   */
  read(now: Date, settings: SimulationSettings): { message: DeviceDataMessage; send: boolean } | null {
    this.expireFault(now.getTime());
    this.maybeFault(now.getTime(), settings.faultProbability);
    const { type, asset } = this.record;
    const battery = asset && isBattery(type) ? asset : null;
    if (!this.record.enabled || this.fault === 'offline') {
      // A disabled or offline device does nothing meanwhile (a battery neither charges nor discharges).
      this.lastAt = now.getTime();
      this.settledAt = now.getTime();
      return null;
    }
    if (battery) this.settle(now);
    if (asset) driftAsset(type, asset, this.random);
    const dtMs = this.lastAt === null ? 0 : Math.max(0, now.getTime() - this.lastAt);
    const powerKw = this.external ? this.external.powerKw(now, dtMs) : this.powerKw(now, settings.variation);
    const voltageV = this.record.baseVoltageV * (1 + (this.random() - 0.5) * 0.02);
    const info = DEVICE_TYPE_INFO[type];
    const currentA = (Math.abs(powerKw) * 1000) / (info.phases === 3 ? Math.sqrt(3) * voltageV : voltageV);
    if (!battery) {
      this.record.energyKwh += (Math.abs(powerKw) * dtMs) / 3_600_000;
      if (asset) integrateAsset(type, asset, powerKw, dtMs, this.clock.date(now.getTime()));
    }
    this.lastAt = now.getTime();
    this.record.seq += 1;
    this.dirty = true;
    const message: DeviceDataMessage = {
      device_id: this.id,
      timestamp: isoSeconds(now),
      power: roundTo(powerKw, 3),
      voltage: roundTo(voltageV, 1),
      current: roundTo(currentA, 2),
      energy: roundTo(this.record.energyKwh, 4),
      status: 'online',
      enabled: true,
      seq: this.record.seq,
      // Every device says what it is, so consumers count it by its type whatever its id.
      device_type: type,
      ...(this.fault ? { fault: this.fault } : {}),
      ...(this.external?.block() ?? {}),
      ...(asset
        ? assetBlock({
            type,
            state: asset,
            powerKw,
            basePowerKw: this.record.basePowerKw,
            energyKwh: this.record.energyKwh,
            faulty: this.fault !== null,
            random: this.random,
          })
        : {}),
    };
    this.lastReading = message;
    const send = this.fault !== 'comm_error';
    // An injected spike without a duration is one reading.
    if (this.fault === 'spike' && this.faultUntil === null) this.setFault(null, null);
    return { message, send };
  }

  /**
   * A battery's SOC and counters up to `now`, at the power it held since the last time (its true
   * power, not the noisy measurement). Called before every reading and before every command that
   * changes the power, so the SOC is the integral of what the battery really did.
   */
  private settle(now: Date): void {
    const { type, asset } = this.record;
    if (!asset || !isBattery(type)) return;
    const from = this.settledAt;
    this.settledAt = Math.max(from ?? 0, now.getTime());
    if (from === null || now.getTime() <= from) return;
    const powerKw = this.record.poweredOn ? batteryPowerKw(type, asset) : 0;
    if (powerKw === 0) return;
    const before = asset.chargeKwh + asset.dischargeKwh;
    integrateAsset(type, asset, powerKw, now.getTime() - from, this.clock.date(now.getTime()));
    // Energy never decreases: a battery counts its throughput, charge and discharge alike.
    this.record.energyKwh += asset.chargeKwh + asset.dischargeKwh - before;
  }

  /** `set_power` on a battery: `power_kw` signed (+ discharge, − charge), clamped by applyBatterySetPoint. */
  private setBatteryPower(battery: AssetState, parameters: Record<string, unknown>): Record<string, unknown> {
    const requested = parameters.power_kw;
    if (typeof requested !== 'number' || !Number.isFinite(requested)) {
      throw new CommandError(
        'a battery takes set_power with parameters.power_kw: a number of kW, positive to discharge, negative to charge',
      );
    }
    if (!this.record.enabled) {
      throw new CommandError('the battery is disabled', {
        status: 'rejected',
        requested_kw: requested,
        power_kw: 0,
        reason: 'disabled',
      });
    }
    const result = applyBatterySetPoint(this.record.type, battery, requested, this.record.basePowerKw);
    this.record.poweredOn = true;
    return { ...result };
  }

  status(now: Date): DeviceStatusMessage {
    return {
      device_id: this.id,
      status: this.online ? 'online' : 'offline',
      enabled: this.record.enabled,
      timestamp: isoSeconds(now),
      fault: this.fault,
      device_type: this.record.type,
    };
  }

  /** Applies a command; returns what changed, or throws CommandError for bad parameters. */
  apply(command: DeviceCommandName, parameters: Record<string, unknown>, now: Date): Record<string, unknown> {
    const battery = isBattery(this.record.type) ? this.record.asset : null;
    // What the battery did until now counts at its old power.
    if (battery && ['charge', 'discharge', 'set_power', 'turn_on', 'turn_off'].includes(command)) this.settle(now);
    switch (command) {
      case 'charge':
      case 'discharge': {
        if (!battery) throw new CommandError(`${command} applies to bess and pcs devices only`);
        const power = parameters.power;
        if (typeof power !== 'number' || !Number.isFinite(power) || power <= 0 || power > this.record.basePowerKw) {
          throw new CommandError(
            `parameters.power must be a number of kW above 0 and at most ${this.record.basePowerKw}`,
          );
        }
        battery.mode = command === 'charge' ? 'Charging' : 'Discharging';
        battery.setpointKw = power;
        this.record.poweredOn = true;
        return { mode: battery.mode, power_kw: power };
      }
      case 'set_power': {
        if (battery) return this.setBatteryPower(battery, parameters);
        const power = parameters.power;
        if (typeof power !== 'number' || !Number.isFinite(power) || power < 0 || power > this.record.basePowerKw * 2) {
          throw new CommandError(
            `parameters.power must be a number of kW between 0 and ${this.record.basePowerKw * 2}`,
          );
        }
        this.record.powerSetpointKw = power;
        this.record.poweredOn = true;
        return { power_setpoint_kw: power };
      }
      case 'turn_on':
        this.record.poweredOn = true;
        return { powered_on: true };
      case 'turn_off':
        this.record.poweredOn = false;
        if (battery) Object.assign(battery, { mode: 'Standby', setpointKw: 0 });
        return { powered_on: false };
      case 'enable':
        this.record.enabled = true;
        return { enabled: true };
      case 'disable':
        this.record.enabled = false;
        return { enabled: false };
      case 'set_interval': {
        const interval = parameters.interval;
        if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 0.1 || interval > 3600) {
          throw new CommandError('parameters.interval must be a number of seconds between 0.1 and 3600');
        }
        this.record.intervalMs = Math.round(interval * 1000);
        this.nextDueAt = Math.min(this.nextDueAt, now.getTime() + this.record.intervalMs);
        return { interval_s: interval };
      }
      case 'inject_fault': {
        const fault = parameters.fault;
        if (typeof fault !== 'string' || !(DEVICE_FAULTS as readonly string[]).includes(fault)) {
          throw new CommandError(`parameters.fault must be one of: ${DEVICE_FAULTS.join(', ')}`);
        }
        const duration = parameters.duration_s;
        if (duration !== undefined && (typeof duration !== 'number' || !(duration > 0) || duration > 86_400)) {
          throw new CommandError('parameters.duration_s must be a number of seconds between 0 and 86400');
        }
        this.setFault(fault as DeviceFault, typeof duration === 'number' ? now.getTime() + duration * 1000 : null);
        return { fault };
      }
      case 'clear_fault':
        this.setFault(null, null);
        return { fault: null };
      case 'plug_in':
      case 'unplug':
        throw new CommandError(`${command} applies to ev_charger devices only`);
    }
  }

  private setFault(fault: DeviceFault | null, until: number | null): void {
    if (fault === 'stuck' && this.lastReading) this.stuckPowerKw = this.lastReading.power;
    this.fault = fault;
    this.faultUntil = until;
  }

  private stuckPowerKw: number | null = null;

  private expireFault(nowMs: number): void {
    if (this.faultUntil !== null && nowMs >= this.faultUntil) this.setFault(null, null);
  }

  private maybeFault(nowMs: number, probability: number): void {
    if (this.fault || probability <= 0 || this.random() >= probability) return;
    const fault = DEVICE_FAULTS[Math.floor(this.random() * DEVICE_FAULTS.length)];
    // Random faults heal by themselves after 5 to 60 s; a spike lasts one reading.
    this.setFault(fault, fault === 'spike' ? nowMs + 1 : nowMs + 5000 + this.random() * 55_000);
  }

  private powerKw(now: Date, variation: number): number {
    if (!this.record.poweredOn) return 0;
    if (this.fault === 'stuck' && this.stuckPowerKw !== null) return this.stuckPowerKw;
    const { type, asset } = this.record;
    if (asset && isBattery(type)) {
      // A battery follows its set point closely; only the measurement is noisy.
      const battery = batteryPowerKw(type, asset) * (1 + (this.random() * 2 - 1) * 0.005);
      return this.fault === 'spike' ? battery * SPIKE_FACTOR : battery;
    }
    const weather = type === 'pv_inverter' && asset ? asset.cloud : 1;
    const planned =
      this.record.powerSetpointKw ?? this.record.basePowerKw * loadFactor(type, now, this.clock) * weather;
    const noisy = planned * (1 + (this.random() * 2 - 1) * variation);
    const power = Math.max(0, this.fault === 'spike' ? noisy * SPIKE_FACTOR : noisy);
    if (this.fault !== 'stuck') this.stuckPowerKw = power;
    return power;
  }
}
