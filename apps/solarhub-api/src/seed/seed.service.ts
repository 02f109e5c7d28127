import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AssetData, BessData, MeterData, PcsData, PvInverterData, RackReading } from '@lib/contracts';
import { isoSeconds } from '@lib/contracts';
import { SiteClock } from '@lib/config';
import { SolarhubConfig } from '../solarhub-api.config';
import { roundTo, seededRandom } from '@lib/power';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases } from '../storage/databases';
import { FrequencyBaselineEntity, ScheduleEventEntity, ScheduleMode } from '../storage/entities';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../analysis/history';
import { ParsedTelemetry, parseTelemetry } from '../telemetry/parse';
import { TelemetryWriter } from '../telemetry/telemetry-writer';

const STEP_MS = 5 * MINUTE_MS;
const STEP_H = STEP_MS / HOUR_MS;
const BESS_CAPACITY_KWH = 2000;
const BESS_MAX_KW = 1000;
const PV_NOMINAL_KW = 500;
const EFFICIENCY = 0.95;
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
 * Realistic history until live telemetry arrives: solar inverters on a daily curve, batteries
 * charging at night and on solar surplus and discharging into the day's awards (95 % round trip),
 * PCS following them, a grid and an auxiliary meter, the frequency baseline and the schedule with
 * prices. Readings are built as the telemetry contract's messages and stored through the same
 * parser and writer as live data, idempotently (device ids seed-*, seq = 5-minute slot).
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
    // The site's days: the sun, the night charging and the awards follow its clock (SITE_TIMEZONE).
    const clock = new SiteClock(this.config.timezone);
    const start = clock.dayStart(end - options.days * DAY_MS);
    const random = seededRandom(options.seed ?? 42);
    const events = await this.seedSchedule(clock, start, clock.addDays(clock.dayStart(end), 2), random);
    const awards = events.filter((e) => e.isGet && !e.interrupt);
    const u = this.config.units;
    const soc = Array.from({ length: u.bess }, () => 50);
    const charged = Array.from({ length: u.bess }, () => 0);
    const discharged = Array.from({ length: u.bess }, () => 0);
    const pvTotal = Array.from({ length: u.inverters }, () => 0);
    const pvToday = Array.from({ length: u.inverters }, () => 0);
    const meterEnergy = Array.from({ length: u.meters }, () => 0);
    let frequency = 60;
    let readings = 0;
    let batch: ParsedTelemetry[] = [];
    const baseline: FrequencyBaselineEntity[] = [];
    const add = (payload: AssetData): void => {
      const result = parseTelemetry(payload);
      if (!('ok' in result)) throw new Error(`seed built an invalid reading: ${JSON.stringify(result)}`);
      batch.push(result.ok);
      readings += 1;
    };

    for (let t = start; t <= end; t += STEP_MS) {
      const seq = t / STEP_MS;
      const timestamp = isoSeconds(new Date(t));
      const hour = clock.hourOfDay(t);
      const award = awards.find((a) => a.timeStart.getTime() <= t && t < a.timeEnd.getTime());
      const sun = Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12));
      const cloud = 0.8 + 0.2 * random();

      let pvKw = 0;
      if (t === clock.dayStart(t)) pvToday.fill(0);
      for (let i = 0; i < u.inverters; i++) {
        const power = PV_NOMINAL_KW * sun * cloud * 0.95;
        pvKw += power;
        pvTotal[i] += power * STEP_H;
        pvToday[i] += power * STEP_H;
        add(this.inverter(i + 1, seq, timestamp, power, pvTotal[i], pvToday[i], sun, random));
      }

      let bessKw = 0;
      for (let i = 0; i < u.bess; i++) {
        // Discharge into an award (with a little under- or over-performance), charge at night and on sun.
        let power = 0;
        if (award) power = Math.min(BESS_MAX_KW, ((award.power * 1000) / u.bess) * (0.9 + 0.12 * random()));
        else if (hour >= 1 && hour < 5) power = -BESS_MAX_KW * 0.5;
        else if (sun > 0.6) power = -PV_NOMINAL_KW * 0.6 * sun;
        if (power > 0 && soc[i] <= 6) power = 0;
        if (power < 0 && soc[i] >= 94) power = 0;
        const energy = Math.abs(power) * STEP_H;
        if (power < 0) {
          charged[i] += energy;
          soc[i] += (energy * EFFICIENCY * 100) / BESS_CAPACITY_KWH;
        } else {
          discharged[i] += energy;
          soc[i] -= (energy * 100) / BESS_CAPACITY_KWH;
        }
        soc[i] = Math.min(95, Math.max(5, soc[i]));
        bessKw += power;
        add(this.bess(i + 1, seq, timestamp, power, soc[i], charged[i], discharged[i], random));
        if (i < u.pcs) add(this.pcs(i + 1, seq, timestamp, power, random));
      }

      frequency = Math.min(60.08, Math.max(59.92, frequency + (random() - 0.5) * 0.02 + (60 - frequency) * 0.1));
      const auxKw = 15 + 10 * random() + 8 * sun;
      const loadKw = 300 + 150 * Math.max(0, Math.sin((Math.PI * (hour - 7)) / 14)) + 20 * random();
      for (let id = 1; id <= u.meters; id++) {
        const isAux = id === u.auxMeterId;
        const power = isAux ? auxKw : (loadKw + auxKw - pvKw - bessKw) / Math.max(1, u.meters - 1);
        meterEnergy[id - 1] += Math.max(0, power) * STEP_H;
        add(this.meter(id, seq, timestamp, power, meterEnergy[id - 1], frequency, random));
      }
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

  private base(deviceId: string, seq: number, timestamp: string, power: number, energy: number) {
    return {
      device_id: deviceId,
      timestamp,
      power: round2(power),
      voltage: 0,
      current: 0,
      energy: round2(energy),
      status: 'online' as const,
      enabled: true,
      seq,
    };
  }

  private inverter(
    n: number,
    seq: number,
    timestamp: string,
    powerKw: number,
    totalKwh: number,
    todayKwh: number,
    sun: number,
    random: () => number,
  ): PvInverterData {
    const dc = powerKw / 0.97;
    const mppt = Array.from({ length: 4 }, (_, i) => {
      const voltage = sun > 0 ? 560 + 30 * random() : 0;
      const power = (dc * 1000) / 4;
      return {
        mppt_id: i + 1,
        voltage: round2(voltage),
        current: round2(voltage > 0 ? power / voltage : 0),
        power: round2(power),
      };
    });
    return {
      ...this.base(`seed-inverter-${n}`, seq, timestamp, powerKw, totalKwh),
      device_type: 'pv_inverter',
      inverter: {
        nominal_active_power: PV_NOMINAL_KW,
        total_active_power: round2(powerKw),
        total_apparent_power: round2(powerKw * 1.02),
        total_reactive_power: round2(powerKw * 0.1),
        daily_power_yields: round2(todayKwh),
        total_power_yields: round2(totalKwh),
        internal_temperature: round2(30 + 20 * sun),
        bus_voltage: round2(sun > 0 ? 650 + 10 * random() : 0),
        dc_power: round2(dc),
      },
      mppt,
      strings: mppt.flatMap((m) =>
        [0, 1].map((k) => ({ string_id: (m.mppt_id - 1) * 2 + k + 1, current: round2(m.current / 2) })),
      ),
      phases: (['A', 'B', 'C'] as const).map((phase) => ({
        phase,
        voltage: round2(220 + random()),
        current: round2((powerKw * 1000) / (3 * 220)),
      })),
      irradiance_w_m2: round2(1000 * sun),
    };
  }

  private bess(
    n: number,
    seq: number,
    timestamp: string,
    powerKw: number,
    socPct: number,
    charged: number,
    discharged: number,
    random: () => number,
  ): BessData {
    const mode = powerKw > 0 ? 'Discharging' : powerKw < 0 ? 'Charging' : 'Standby';
    const racks: RackReading[] = Array.from({ length: this.config.units.racks }, (_, i) => {
      const voltage = 700 + socPct * 1.0 + random();
      return {
        rack_number: `rack${String(i + 1).padStart(2, '0')}`,
        mode,
        voltage: round2(voltage),
        current: round2((powerKw * 1000) / (this.config.units.racks * voltage)),
        soc_pct: round2(socPct + (random() - 0.5)),
        temperature_c: round2(24 + Math.abs(powerKw) / 100 + random()),
        alarms: { over_temperature: false, under_voltage: false, over_voltage: false, cell_imbalance: false },
      };
    });
    return {
      ...this.base(`seed-bess-${n}`, seq, timestamp, powerKw, discharged),
      device_type: 'bess',
      mode,
      soc_pct: round2(socPct),
      capacity_kwh: BESS_CAPACITY_KWH,
      charge_energy_kwh: round2(charged),
      discharge_energy_kwh: round2(discharged),
      racks,
    };
  }

  private pcs(n: number, seq: number, timestamp: string, powerKw: number, random: () => number): PcsData {
    return {
      ...this.base(`seed-pcs-${n}`, seq, timestamp, powerKw, 0),
      device_type: 'pcs',
      mode: powerKw > 0 ? 'Discharging' : powerKw < 0 ? 'Charging' : 'Standby',
      reactive_power: round2(powerKw * 0.05),
      dc_voltage: round2(760 + 10 * random()),
      alerts: {
        inverter_status: powerKw === 0 ? 0 : 1,
        inverter_inhibits1_status: 0,
        environment_status: 0,
        warning_status: 0,
        grid_status: 0,
        fault_status1: 0,
        fault_status2: 0,
      },
    };
  }

  private meter(
    id: number,
    seq: number,
    timestamp: string,
    powerKw: number,
    energyKwh: number,
    frequency: number,
    random: () => number,
  ): MeterData {
    const pf = 0.95 + 0.04 * random();
    const apparent = Math.abs(powerKw) / pf;
    const voltage = 220 + (random() - 0.5) * 2;
    const current = (apparent * 1000) / (3 * voltage);
    return {
      ...this.base(`seed-meter-${id}`, seq, timestamp, powerKw, energyKwh),
      device_type: 'meter',
      phase_a_current: round2(current),
      phase_b_current: round2(current * 0.99),
      phase_c_current: round2(current * 1.01),
      phase_a_voltage: round2(voltage),
      phase_b_voltage: round2(voltage - 0.3),
      phase_c_voltage: round2(voltage + 0.4),
      active_power: round2(powerKw),
      reactive_power: round2(Math.sqrt(Math.max(0, apparent ** 2 - powerKw ** 2))),
      apparent_power: round2(apparent),
      frequency: roundTo(frequency, 3),
      power_factor: round2(pf),
    };
  }
}

const round2 = (v: number): number => roundTo(v, 2);
