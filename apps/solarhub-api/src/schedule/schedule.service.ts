import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { roundTo } from '@lib/power';
import { Between, LessThan, MoreThan } from 'typeorm';
import { SolarhubDatabases } from '../storage/databases';
import { ScheduleEventEntity } from '../storage/entities';
import type {
  CreateScheduleEventDto,
  DailyIncomeQuery,
  ExecRateQuery,
  MonthlyIncomeQuery,
  ScheduleQuery,
} from './schedule.dto';
import { DAY_MS, MINUTE_MS, isoLocal, siteQueryTime, uniformEdges } from '../analysis/history';
import { HistoryQueries } from '../analysis/analysis.service';
import { AwardedSlot, dayIncome, scheduledPowerAt } from './income';

const EXEC_BUCKET_MS = 5 * MINUTE_MS;
const ROLLING_POINTS = 12;

const toSlot = (e: ScheduleEventEntity): AwardedSlot => ({
  timeStart: e.timeStart.getTime(),
  timeEnd: e.timeEnd.getTime(),
  isGet: e.isGet,
  interrupt: e.interrupt,
  quoteCapacity: e.quoteCapacity,
  power: e.power,
  price: e.price,
  quotePrice: e.quotePrice,
});

export function eventView(e: ScheduleEventEntity) {
  return {
    index: e.id,
    mode: e.mode,
    time_number: e.timeNumber,
    time_start: isoLocal(e.timeStart),
    time_end: isoLocal(e.timeEnd),
    time_date: isoLocal(e.timeDate),
    is_get: e.isGet,
    interrupt: e.interrupt,
    quote_capacity: e.quoteCapacity,
    power: e.power,
    price: e.price,
    quote_price: e.quotePrice,
    quote_code: e.quoteCode,
    title: e.title,
    description: e.description,
  };
}

/**
 * Schedule events and the income they earned, from the stored awards and battery history. Days,
 * weeks and hours of day are the site's (SITE_TIMEZONE): a slot's `time_number` is its local hour
 * + 1 and `time_date` its local day; a time without an offset is a site wall-clock time.
 */
@Injectable()
export class ScheduleService {
  constructor(
    private readonly databases: SolarhubDatabases,
    private readonly history: HistoryQueries,
  ) {}

  private repo() {
    return this.databases.source('schedule').getRepository(ScheduleEventEntity);
  }

  private get clock() {
    return this.history.clock;
  }

  /** The current week and the `weeks − 1` before it (Monday to Monday, local). */
  async events(q: ScheduleQuery) {
    const to = this.clock.addDays(this.clock.weekStart(Date.now()), 7);
    const from = this.clock.addDays(to, -7 * q.weeks);
    const events = await this.repo().find({
      where: {
        timeStart: Between(new Date(from), new Date(to - 1)),
        ...(q.mode === 'all' ? {} : { mode: q.mode as ScheduleEventEntity['mode'] }),
      },
      order: { timeStart: 'ASC', id: 'ASC' },
    });
    return {
      events: events.map(eventView),
      mode: q.mode,
      weeks: q.weeks,
      from: isoLocal(from),
      to: isoLocal(to),
      total_count: events.length,
    };
  }

  async create(dto: CreateScheduleEventDto) {
    const start = new Date(this.bodyTime('time_start', dto.time_start));
    const end = new Date(this.bodyTime('time_end', dto.time_end));
    if (end.getTime() <= start.getTime()) {
      throw new UnprocessableEntityException({
        detail: [
          {
            type: 'value_error',
            loc: ['body', 'time_end'],
            msg: 'time_end must be after time_start',
            input: dto.time_end,
          },
        ],
      });
    }
    const event = this.repo().create({
      mode: dto.mode,
      timeNumber: Math.floor(this.clock.hourOfDay(start.getTime())) + 1,
      timeStart: start,
      timeEnd: end,
      timeDate: new Date(this.clock.dayStart(start.getTime())),
      isGet: dto.is_get,
      interrupt: dto.interrupt ?? false,
      quoteCapacity: dto.quote_capacity,
      power: dto.power,
      price: dto.price,
      quotePrice: dto.quote_price,
      quoteCode: dto.quote_code ?? null,
      title: dto.title,
      description: dto.description ?? null,
    });
    try {
      return eventView(await this.repo().save(event));
    } catch (error) {
      const code = (error as { driverError?: { code?: string } }).driverError?.code ?? '';
      if (code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT')) {
        throw new ConflictException(`A ${dto.mode} event already starts at ${dto.time_start}`);
      }
      throw error;
    }
  }

  /** A body time: with an offset that instant, without one a wall-clock time of the site. */
  private bodyTime(field: string, value: string): number {
    const ms = this.clock.parse(value);
    if (ms === null) {
      throw new UnprocessableEntityException({
        detail: [{ type: 'value_error', loc: ['body', field], msg: `${field} is not a valid date`, input: value }],
      });
    }
    return ms;
  }

  async remove(id: number): Promise<void> {
    const result = await this.repo().delete({ id });
    if (!result.affected) throw new NotFoundException(`Schedule event ${id} not found`);
  }

  private async slots(from: number, to: number): Promise<AwardedSlot[]> {
    const events = await this.repo().find({
      where: { timeStart: LessThan(new Date(to)), timeEnd: MoreThan(new Date(from)) },
    });
    return events.map(toSlot);
  }

  /** Energy the batteries delivered per hour (hours counted from `from`, a local midnight), MWh. */
  private async deliveredMwh(from: number, to: number): Promise<Map<number, number>> {
    const kwh = await this.history.bessEnergy('discharge_energy_kwh', uniformEdges(from, to, 3_600_000));
    return new Map([...kwh].map(([t, v]) => [t, v / 1000]));
  }

  /** The local day a query names (today without one). */
  private localDay(field: string, value: string | undefined): number[] {
    const at = value === undefined ? Date.now() : siteQueryTime(this.clock, field, value);
    return this.clock.hourEdges(this.clock.dayStart(at));
  }

  async dailyIncome(q: DailyIncomeQuery) {
    const hours = this.localDay('start_time', q.start_time);
    const [day, end] = [hours[0], hours[hours.length - 1]];
    const [slots, delivered] = await Promise.all([this.slots(day, end), this.deliveredMwh(day, end)]);
    return { date: this.clock.date(day), ...dayIncome(hours, slots, delivered) };
  }

  async monthlyIncome(q: MonthlyIncomeQuery) {
    const from = siteQueryTime(this.clock, 'start_time', `${q.start_time}-01`);
    const to = this.clock.addMonths(from, 1);
    const [slots, delivered] = await Promise.all([this.slots(from, to), this.deliveredMwh(from, to)]);
    const days: {
      date: string;
      capacity_fee: number;
      efficiency_fee: number;
      total_income: number;
      avg_exec_rate: number;
    }[] = [];
    for (const day of this.clock.dayEdges(from, Math.round((to - from) / DAY_MS)).slice(0, -1)) {
      const d = dayIncome(this.clock.hourEdges(day), slots, delivered);
      days.push({
        date: this.clock.date(day),
        capacity_fee: d.total_capacity_fee,
        efficiency_fee: d.total_efficiency_fee,
        total_income: d.total_income,
        avg_exec_rate: d.avg_exec_rate,
      });
    }
    const awarded = days.filter((d) => d.avg_exec_rate > 0 || d.total_income > 0);
    const sum = (pick: (d: (typeof days)[number]) => number): number =>
      roundTo(
        days.reduce((s, d) => s + pick(d), 0),
        2,
      );
    return {
      month: q.start_time,
      daily_data: days,
      total_capacity_fee: sum((d) => d.capacity_fee),
      total_efficiency_fee: sum((d) => d.efficiency_fee),
      total_income: sum((d) => d.total_income),
      avg_exec_rate:
        awarded.length === 0 ? 0 : roundTo(awarded.reduce((s, d) => s + d.avg_exec_rate, 0) / awarded.length, 4),
    };
  }

  /**
   * Execution rate over the day: battery output against the scheduled power per 5 minutes
   * (exec_rate), its one-hour rolling mean (roll_exec_rate), or per hour (hour_exec_rate).
   */
  async execRate(q: ExecRateQuery) {
    const hours = this.localDay('date', q.date);
    const [day, end] = [hours[0], hours[hours.length - 1]];
    const slots = await this.slots(day, end);
    let data: [number, number][];
    if (q.data_type === 'hour_exec_rate') {
      const income = dayIncome(hours, slots, await this.deliveredMwh(day, end));
      data = income.hourly_data.filter((h) => h.scheduled_mwh > 0).map((h) => [hours[h.hour], h.exec_rate]);
    } else {
      const power = await this.history.bessPower(uniformEdges(day, end, EXEC_BUCKET_MS));
      data = [];
      for (let t = day; t < end; t += EXEC_BUCKET_MS) {
        const scheduledKw = scheduledPowerAt(slots, t + EXEC_BUCKET_MS / 2) * 1000;
        const actual = power.get(t);
        if (scheduledKw <= 0 || actual === undefined) continue;
        data.push([t, roundTo(Math.min(1, Math.max(0, actual / scheduledKw)), 4)]);
      }
      if (q.data_type === 'roll_exec_rate') {
        data = data.map(([t], i) => {
          const window = data.slice(Math.max(0, i - ROLLING_POINTS + 1), i + 1);
          return [t, roundTo(window.reduce((s, [, v]) => s + v, 0) / window.length, 4)];
        });
      }
    }
    return { date: this.clock.date(day), data_type: q.data_type, data, status: 'success' };
  }
}
