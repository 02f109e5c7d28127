import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { IotMockConfig } from '../iot-mock.config';
import type { DeviceCommandName, DeviceDataMessage, EvChargerData } from '@lib/contracts';
import { ChargePointSimulator, Ev, carOfEv } from '@lib/ocpp';
import { roundTo } from '@lib/power';
import { DevicesService } from '../devices/devices.service';
import { IOT_MOCK_CONFIG } from '../iot-mock.tokens';
import { CommandError, SimulatedDevice } from '@lib/site-models';
import {
  DriverSchedule,
  DriverState,
  PlannedSession,
  driverStep,
  matchesAny,
  sessionAt,
  sessionsBetween,
} from './arrivals';
import type { DriverPlanView } from './driver-plan.view';

/** How often the simulated drivers look at the clock. */
const DRIVER_TICK_MS = 5000;
/** The demo car comes this long after its charger appears (time to boot against the CSMS). */
const DEMO_DELAY_MS = 20_000;

interface Driver extends DriverState {
  schedule: DriverSchedule;
  busy: boolean;
}

/** The simulated chargers have one connector. */
const CONNECTOR = 1;

/** What an ev_charger device reports of its charge point (the rest of its telemetry is the device's). */
function chargerBlock(
  point: ChargePointSimulator,
): Omit<EvChargerData, Exclude<keyof DeviceDataMessage, 'device_type'>> {
  const c = point.connector(CONNECTOR);
  const battery = c.car?.battery ?? null;
  return {
    device_type: 'ev_charger',
    ocpp_connected: point.connected,
    transaction_id: c.transaction?.transactionId ?? null,
    ev_connected: c.car !== null,
    ev_soc_pct: battery ? roundTo(battery.socPct, 2) : null,
    ev_capacity_kwh: battery?.capacityKwh ?? null,
    limit_w: point.limitNowW(CONNECTOR),
    max_power_w: point.maxPowerW,
    meter_wh: Math.round(c.meterWh),
  };
}

/** The command's answer, as iot-mock has always given it. */
const plugInAnswer = (r: Awaited<ReturnType<ChargePointSimulator['plugIn']>>): Record<string, unknown> =>
  r.started ? { started: true, transaction_id: r.transactionId } : { started: false, id_tag_status: r.idTagStatus };

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
  private readonly points = new Map<string, ChargePointSimulator>();
  private readonly drivers = new Map<string, Driver>();
  private driverTimer: NodeJS.Timeout | null = null;
  private demoGiven = false;

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
    if (this.driverTimer) clearInterval(this.driverTimer);
    this.driverTimer = null;
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
      if (command === 'unplug') {
        const r = await point.unplug(CONNECTOR);
        return r.stopped ? { stopped: true, transaction_id: r.transactionId, meter_stop_wh: r.meterStopWh } : {};
      }
      const phases = num(p.phases, 'phases', 1, 3, 3);
      if (phases !== 1 && phases !== 3) throw new CommandError('parameters.phases must be 1 or 3');
      const ev: Ev = {
        socPct: num(p.soc_pct, 'soc_pct', 0, 100, 20),
        capacityKwh: num(p.capacity_kwh, 'capacity_kwh', 1, 500, 60),
        maxCurrentA: num(p.max_current_a, 'max_current_a', 6, 63, 32),
        phases,
        idTag: typeof p.id_tag === 'string' && p.id_tag.length > 0 && p.id_tag.length <= 20 ? p.id_tag : 'SIM-EV',
      };
      return plugInAnswer(await this.plugIn(point, ev));
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError((error as Error).message);
    }
  }

  private attach(device: SimulatedDevice): void {
    if (this.points.has(device.id)) return;
    const point = new ChargePointSimulator({
      endpoint: this.config.ev.csmsUrl,
      identity: device.id,
      maxPowerW: device.record.basePowerKw * 1000,
      meterIntervalMs: this.config.ev.meterIntervalMs,
      clock: 'external',
      reconnect: true,
      log: new Logger(`ev:${device.id}`),
    });
    device.external = { powerKw: (now, dtMs) => point.advance(dtMs, now) / 1000, block: () => chargerBlock(point) };
    this.points.set(device.id, point);
    point.start();
    this.logger.log(`${device.id}: dialing ${this.config.ev.csmsUrl}/${device.id}`);
    this.attachDriver(device.id);
  }

  private async detach(id: string): Promise<void> {
    const point = this.points.get(id);
    this.points.delete(id);
    this.drivers.delete(id);
    await point?.close();
  }

  /** An EV arrives: the charge point must be connected and its connector free. */
  private plugIn(point: ChargePointSimulator, ev: Ev): ReturnType<ChargePointSimulator['plugIn']> {
    if (!point.connected) throw new Error('not connected to the CSMS');
    if (point.connector(CONNECTOR).car) throw new Error('an EV is already plugged in');
    return point.plugIn(carOfEv(ev), CONNECTOR);
  }

  /** A charger's simulated drivers: the car there now and those to come within `hours`. */
  driverPlan(deviceId: string, hours: number, nowMs = Date.now()): DriverPlanView {
    const driver = this.drivers.get(deviceId);
    const { timeZone, seed } = this.config.ev.drivers;
    if (!driver) return { device_id: deviceId, enabled: false, time_zone: timeZone, seed, sessions: [] };
    const sessions = sessionsBetween(driver.schedule, nowMs, nowMs + hours * 3_600_000).map((x) => ({
      kind: x.kind,
      arrive_at: new Date(x.arriveMs).toISOString(),
      depart_at: new Date(x.departMs).toISOString(),
      soc_pct: x.ev.socPct,
      capacity_kwh: x.ev.capacityKwh,
      max_current_a: x.ev.maxCurrentA,
      phases: x.ev.phases,
      id_tag: x.ev.idTag,
      plugged_in: driver.plugged === x.key,
    }));
    return { device_id: deviceId, enabled: true, time_zone: timeZone, seed, sessions };
  }

  /** Simulated drivers (EV_DRIVERS): cars come and go at this charger on the site's daily pattern. */
  private attachDriver(id: string): void {
    const { devices, demo, seed, timeZone } = this.config.ev.drivers;
    if (!matchesAny(id, devices)) return;
    const demoArriveMs = demo && !this.demoGiven ? Date.now() + DEMO_DELAY_MS : null;
    if (demoArriveMs !== null) this.demoGiven = true;
    this.drivers.set(id, {
      schedule: { chargerId: id, seed, timeZone, demoArriveMs },
      plugged: null,
      done: [],
      busy: false,
    });
    this.logger.log(
      `${id}: simulated drivers on (${timeZone})${demoArriveMs !== null ? ', a demo car arrives in 20 s' : ''}`,
    );
    if (!this.driverTimer) {
      this.driverTimer = setInterval(() => this.drive(Date.now()), DRIVER_TICK_MS);
      this.driverTimer.unref();
    }
  }

  /** Each driver's car arrives when its session starts and leaves when it ends. */
  private drive(nowMs: number): void {
    for (const [id, driver] of this.drivers) {
      const point = this.points.get(id);
      if (!point?.connected || driver.busy) continue;
      let session: PlannedSession | null;
      try {
        session = sessionAt(driver.schedule, nowMs);
      } catch (error) {
        // A timer must never take the process down: this charger's drivers stay home.
        this.logger.warn(`${id}: simulated drivers stopped: ${(error as Error).message}`);
        this.drivers.delete(id);
        continue;
      }
      const step = driverStep(driver, session, point.connector(CONNECTOR).car !== null);
      driver.plugged = step.state.plugged;
      driver.done = step.state.done;
      const arrive = step.arrive;
      if (!step.leave && !arrive) continue;
      driver.busy = true;
      void (async () => {
        if (step.leave && point.connector(CONNECTOR).car) {
          const result = await point.unplug(CONNECTOR);
          this.logger.log(`${id}: the car left ${JSON.stringify(result)}`);
        }
        if (arrive) {
          const result = plugInAnswer(await this.plugIn(point, { ...arrive.ev }));
          this.logger.log(
            `${id}: a ${arrive.kind} car arrived (${arrive.ev.idTag}, ${arrive.ev.socPct} %) ${JSON.stringify(result)}`,
          );
        }
      })()
        .catch((error: Error) => this.logger.warn(`${id}: simulated driver: ${error.message}`))
        .finally(() => {
          driver.busy = false;
        });
    }
  }
}
