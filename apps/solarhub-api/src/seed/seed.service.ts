import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DeviceDataMessage, DeviceType } from '@lib/contracts';
import { isoSeconds } from '@lib/contracts';
import { SiteClock } from '@lib/config';
import { SolarhubConfig } from '../solarhub-api.config';
import { seededRandom } from '@lib/power';
import { DEVICE_TYPE_INFO, SimulatedDevice, newDeviceRecord } from '@lib/site-models';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases } from '../storage/databases';
import { FrequencyBaselineEntity, ScheduleEventEntity, ScheduleMode } from '../storage/entities';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../analysis/history';
import { ParsedTelemetry, parseTelemetry } from '../telemetry/parse';
import { TelemetryWriter } from '../telemetry/telemetry-writer';

const STEP_MS = 5 * MINUTE_MS;
const BESS_MAX_KW = 1000;
const PV_NOMINAL_KW = 500;
/** Measurement noise of the replayed devices (as iot-mock's SIMULATION_VARIATION). */
const SETTINGS = { variation: 0.05, faultProbability: 0 };
/** The site's loads behind the grid meter, and the plant's own auxiliary consumption (aux meter). */
const SITE_LOADS: DeviceType[] = ['server', 'industrial', 'appliance'];
const AUX_LOADS: DeviceType[] = ['hvac', 'lighting'];
/** Awards per day: hour, hours, mode. Evening peak regulation and a morning reserve. */
const DAILY_AWARDS: { hour: number; hours: number; mode: ScheduleMode; title: string }[] = [
  { hour: 10, hours: 1, mode: 'edreg', title: 'E-dReg Dispatch' },
  { hour: 14, hours: 2, mode: 'dreg', title: 'D-Reg Dispatch' },
  { hour: 19, hours: 2, mode: 'dreg', title: 'D-Reg Dispatch' },
];

export interface SeedOptions {
  days: number;
  /** End of the history (default: now). */
  now?: number;
  seed?: number;
}

/**
 * Realistic history until live telemetry arrives, replayed with the site's physical models
 * (libs/site-models, the same ones iot-mock simulates the field with): PV inverters on the
 * clear-sky curve under drifting clouds, batteries (SOC limits, √0.9 efficiency each way) charging
 * at night and on solar surplus and discharging into the day's awards, PCS following them, a grid
 * meter carrying the site's load profiles net of PV and battery, an auxiliary meter carrying the
 * plant's own HVAC and lighting, the frequency baseline and the schedule with prices. Days follow
 * the site clock (SITE_TIMEZONE). Readings are stored through the same parser and writer as live
 * data, idempotently (device ids seed-*, seq = 5-minute slot).
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
    private readonly writer: TelemetryWriter,
  ) {}

  async run(options: SeedOptions): Promise<{ readings: number; events: number; from: string; to: string }> {
    await this.databases.whenReady();
    const now = options.now ?? Date.now();
    const end = Math.floor(now / STEP_MS) * STEP_MS;
    // The site's days: the sun, the loads, the night charging and the awards follow its clock.
    const clock = new SiteClock(this.config.timezone);
    const start = clock.dayStart(end - options.days * DAY_MS);
    const random = seededRandom(options.seed ?? 42);
    const events = await this.seedSchedule(clock, start, clock.addDays(clock.dayStart(end), 2), random);
    const awards = events.filter((e) => e.isGet && !e.interrupt);
    const u = this.config.units;
    const device = (id: string, type: DeviceType, basePowerKw = DEVICE_TYPE_INFO[type].defaultPowerKw) =>
      new SimulatedDevice(
        newDeviceRecord({ id, type, name: id, basePowerKw, createdAt: new Date(start) }),
        random,
        clock,
      );
    const range = (n: number, type: DeviceType, name: string, powerKw?: number) =>
      Array.from({ length: n }, (_, i) => device(`seed-${name}-${i + 1}`, type, powerKw));
    const inverters = range(u.inverters, 'pv_inverter', 'inverter', PV_NOMINAL_KW);
    const batteries = range(u.bess, 'bess', 'bess', BESS_MAX_KW);
    const pcs = range(Math.min(u.pcs, u.bess), 'pcs', 'pcs', BESS_MAX_KW);
    const meters = range(u.meters, 'meter', 'meter');
    const siteLoads = SITE_LOADS.map((type) => device(`seed-load-${type}`, type));
    const auxLoads = AUX_LOADS.map((type) => device(`seed-aux-${type}`, type));
    for (const b of batteries) if (b.record.asset) b.record.asset.racks = u.racks;
    // A meter measures what flows through it: its power is set each step from the site's balance.
    const meterKw = new Map<SimulatedDevice, number>();
    for (const m of meters) m.external = { powerKw: () => meterKw.get(m) ?? 0, block: () => ({}) };

    let readings = 0;
    let batch: ParsedTelemetry[] = [];
    const baseline: FrequencyBaselineEntity[] = [];
    const read = (d: SimulatedDevice, at: Date, seq: number, store = true): number => {
      d.record.seq = seq - 1;
      const reading = d.read(at, SETTINGS);
      if (!reading) return 0;
      if (store) this.add(batch, reading.message);
      if (store) readings += 1;
      return reading.message.power;
    };

    for (let t = start; t <= end; t += STEP_MS) {
      const at = new Date(t);
      const seq = t / STEP_MS;
      const hour = clock.hourOfDay(t);
      const award = awards.find((a) => a.timeStart.getTime() <= t && t < a.timeEnd.getTime());

      const pvKw = inverters.reduce((sum, inv) => sum + read(inv, at, seq), 0);
      const sun = pvKw / (PV_NOMINAL_KW * Math.max(1, u.inverters));
      let bessKw = 0;
      batteries.forEach((b, i) => {
        // Discharge into an award (with a little under- or over-performance), charge at night and on sun.
        let setPoint = 0;
        if (award) setPoint = ((award.power * 1000) / u.bess) * (0.9 + 0.12 * random());
        else if (hour >= 1 && hour < 5) setPoint = -BESS_MAX_KW * 0.5;
        else if (sun > 0.5) setPoint = -PV_NOMINAL_KW * 0.6 * sun;
        b.apply('set_power', { power_kw: setPoint }, at);
        const power = read(b, at, seq);
        bessKw += power;
        if (pcs[i]) {
          pcs[i].apply('set_power', { power_kw: power }, at);
          read(pcs[i], at, seq);
        }
      });

      const loadKw = siteLoads.reduce((sum, d) => sum + read(d, at, seq, false), 0);
      const auxKw = auxLoads.reduce((sum, d) => sum + read(d, at, seq, false), 0);
      meters.forEach((m, i) => {
        const isAux = i + 1 === u.auxMeterId;
        meterKw.set(m, isAux ? auxKw : (loadKw + auxKw - pvKw - bessKw) / Math.max(1, u.meters - 1));
        read(m, at, seq);
      });
      baseline.push({ ts: t, frequencyHz: 60, powerKw: award ? award.power * 1000 : 0 });
      if (batch.length >= 1000) {
        this.writer.accept(batch);
        batch = [];
        await this.writer.flush();
      }
    }
    this.writer.accept(batch);
    await this.writer.flush();
    await this.seedBaseline(baseline);
    this.logger.log(`seeded ${readings} readings and ${events.length} schedule events`);
    return { readings, events: events.length, from: isoSeconds(new Date(start)), to: isoSeconds(new Date(end)) };
  }

  /** Stores a reading through the live parser: the seed cannot write what a device could not send. */
  private add(batch: ParsedTelemetry[], message: DeviceDataMessage): void {
    const result = parseTelemetry(message);
    if (!('ok' in result)) throw new Error(`seed built an invalid reading: ${JSON.stringify(result)}`);
    batch.push(result.ok);
  }

  private async seedSchedule(
    clock: SiteClock,
    from: number,
    to: number,
    random: () => number,
  ): Promise<ScheduleEventEntity[]> {
    const repo = this.databases.source('schedule').getRepository(ScheduleEventEntity);
    const rows: Partial<ScheduleEventEntity>[] = [];
    const mw = this.config.units.bess * (BESS_MAX_KW / 1000);
    for (let day = from; day < to; day = clock.addDays(day, 1)) {
      for (const a of DAILY_AWARDS) {
        const start = clock.atLocalHour(day, a.hour);
        const price = Math.round(700 + 300 * random());
        rows.push({
          mode: a.mode,
          timeNumber: a.hour + 1,
          timeStart: new Date(start),
          timeEnd: new Date(start + a.hours * HOUR_MS),
          timeDate: new Date(day),
          isGet: random() > 0.1,
          interrupt: false,
          quoteCapacity: mw,
          power: Math.round(mw * 0.9 * 10) / 10,
          price,
          quotePrice: price + Math.round(50 + 50 * random()),
          quoteCode: `QC${new Date(start).toISOString().slice(0, 13).replace(/\D/g, '')}${a.mode.toUpperCase()}`.slice(
            0,
            32,
          ),
          title: a.title,
          description: a.mode === 'dreg' ? 'Frequency regulation' : 'Enhanced frequency regulation',
        });
      }
    }
    await repo
      .createQueryBuilder()
      .insert()
      .into(ScheduleEventEntity)
      .values(rows)
      .orIgnore()
      .updateEntity(false)
      .execute();
    return repo
      .createQueryBuilder('e')
      .where('e.time_start >= :from AND e.time_start < :to', { from: new Date(from), to: new Date(to) })
      .getMany();
  }

  private async seedBaseline(rows: FrequencyBaselineEntity[]): Promise<void> {
    const source = this.databases.source('baseline');
    for (let i = 0; i < rows.length; i += 500) {
      await source
        .createQueryBuilder()
        .insert()
        .into(FrequencyBaselineEntity)
        .values(rows.slice(i, i + 500))
        .orIgnore()
        .updateEntity(false)
        .execute();
    }
  }
}
