import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { Between, LessThan, MoreThan } from 'typeorm';
import { SolarhubDatabases } from '../storage/databases';
import { ScheduleEventEntity } from '../storage/entities';
import { queryTime } from '../common/query';
import type {
  CreateScheduleEventDto,
  DailyIncomeQuery,
  ExecRateQuery,
  MonthlyIncomeQuery,
  ScheduleQuery,
} from './schedule.dto';
import { DAY_MS, HOUR_MS, MINUTE_MS, isoDate, isoLocal, round, startOfUtcDay } from '../analysis/history';
import { HistoryQueries } from '../analysis/analysis.service';
import { AwardedSlot, dayIncome, scheduledPowerAt } from './income';

const WEEK_MS = 7 * DAY_MS;
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

/** Monday 00:00 UTC of the week holding `ms`. */
const startOfWeek = (ms: number): number => {
  const day = startOfUtcDay(ms);
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
};

/** Schedule events and the income they earned, from the stored awards and battery history. */
@Injectable()
export class ScheduleService {
  constructor(
    private readonly databases: SolarhubDatabases,
    private readonly history: HistoryQueries,
  ) {}

  private repo() {
    return this.databases.source('schedule').getRepository(ScheduleEventEntity);
  }

  /** The current week and the `weeks − 1` before it (Monday to Monday, UTC). */
  async events(q: ScheduleQuery) {
    const to = startOfWeek(Date.now()) + WEEK_MS;
    const from = to - q.weeks * WEEK_MS;
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
    const start = new Date(dto.time_start);
    if (Date.parse(dto.time_end) <= start.getTime()) {
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
      timeNumber: start.getUTCHours() + 1,
      timeStart: start,
      timeEnd: new Date(dto.time_end),
      timeDate: new Date(startOfUtcDay(start.getTime())),
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

  /** Energy the batteries delivered per hour, MWh. */
  private async deliveredMwh(from: number, to: number, bucket = HOUR_MS): Promise<Map<number, number>> {
    const kwh = await this.history.bessEnergy('discharge_energy_kwh', from, to, bucket);
    return new Map([...kwh].map(([t, v]) => [t, v / 1000]));
  }

  async dailyIncome(q: DailyIncomeQuery) {
    const day = startOfUtcDay(q.start_time ? queryTime('start_time', q.start_time) : Date.now());
    const [slots, delivered] = await Promise.all([this.slots(day, day + DAY_MS), this.deliveredMwh(day, day + DAY_MS)]);
    return { date: isoDate(day), ...dayIncome(day, slots, delivered) };
  }

  async monthlyIncome(q: MonthlyIncomeQuery) {
    const [year, month] = q.start_time.split('-').map(Number);
    const from = Date.UTC(year, month - 1, 1);
    const to = Date.UTC(year, month, 1);
    const [slots, delivered] = await Promise.all([this.slots(from, to), this.deliveredMwh(from, to)]);
    const days: {
      date: string;
      capacity_fee: number;
      efficiency_fee: number;
      total_income: number;
      avg_exec_rate: number;
    }[] = [];
    for (let day = from; day < to; day += DAY_MS) {
      const d = dayIncome(day, slots, delivered);
      days.push({
        date: isoDate(day),
        capacity_fee: d.total_capacity_fee,
        efficiency_fee: d.total_efficiency_fee,
        total_income: d.total_income,
        avg_exec_rate: d.avg_exec_rate,
      });
    }
    const awarded = days.filter((d) => d.avg_exec_rate > 0 || d.total_income > 0);
    const sum = (pick: (d: (typeof days)[number]) => number): number => round(days.reduce((s, d) => s + pick(d), 0));
    return {
      month: q.start_time,
      daily_data: days,
      total_capacity_fee: sum((d) => d.capacity_fee),
      total_efficiency_fee: sum((d) => d.efficiency_fee),
      total_income: sum((d) => d.total_income),
      avg_exec_rate:
        awarded.length === 0 ? 0 : round(awarded.reduce((s, d) => s + d.avg_exec_rate, 0) / awarded.length, 4),
    };
  }

  /**
   * Execution rate over the day: battery output against the scheduled power per 5 minutes
   * (exec_rate), its one-hour rolling mean (roll_exec_rate), or per hour (hour_exec_rate).
   */
  async execRate(q: ExecRateQuery) {
    const day = startOfUtcDay(queryTime('date', q.date));
    const slots = await this.slots(day, day + DAY_MS);
    let data: [number, number][];
    if (q.data_type === 'hour_exec_rate') {
      const income = dayIncome(day, slots, await this.deliveredMwh(day, day + DAY_MS));
      data = income.hourly_data.filter((h) => h.scheduled_mwh > 0).map((h) => [day + h.hour * HOUR_MS, h.exec_rate]);
    } else {
      const power = await this.history.bessPower(day, day + DAY_MS, EXEC_BUCKET_MS);
      data = [];
      for (let t = day; t < day + DAY_MS; t += EXEC_BUCKET_MS) {
        const scheduledKw = scheduledPowerAt(slots, t + EXEC_BUCKET_MS / 2) * 1000;
        const actual = power.get(t);
        if (scheduledKw <= 0 || actual === undefined) continue;
        data.push([t, round(Math.min(1, Math.max(0, actual / scheduledKw)), 4)]);
      }
      if (q.data_type === 'roll_exec_rate') {
        data = data.map(([t], i) => {
          const window = data.slice(Math.max(0, i - ROLLING_POINTS + 1), i + 1);
          return [t, round(window.reduce((s, [, v]) => s + v, 0) / window.length, 4)];
        });
      }
    }
    return { date: isoDate(day), data_type: q.data_type, data, status: 'success' };
  }
}
