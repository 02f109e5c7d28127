import { HOUR_MS, isoLocal, uniformEdges } from '../analysis/history';
import { roundTo } from '@lib/power';

/** The schedule fields income depends on: MW, $/MWh and the slot. */
export interface AwardedSlot {
  timeStart: number;
  timeEnd: number;
  isGet: boolean;
  interrupt: boolean;
  quoteCapacity: number;
  power: number;
  price: number;
  quotePrice: number;
}

export interface HourIncome {
  /** Hours since the local day's midnight (0 … 22 / 23 / 24: a DST day has 23 or 25). */
  hour: number;
  /** The hour's start, UTC (the document's format). */
  time: string;
  capacity_fee: number;
  efficiency_fee: number;
  exec_rate: number;
  performance_index: number;
  scheduled_mwh: number;
  delivered_mwh: number;
}

const overlapHours = (slot: AwardedSlot, from: number, to: number): number =>
  Math.max(0, Math.min(slot.timeEnd, to) - Math.max(slot.timeStart, from)) / HOUR_MS;

/** Slots that pay: awarded (is_get) and not interrupted. */
export const paying = (slots: AwardedSlot[]): AwardedSlot[] => slots.filter((s) => s.isGet && !s.interrupt);

/**
 * Income of one hour from the awards that overlap it and the energy the batteries delivered:
 * - performance_index = delivered / scheduled energy; exec_rate is the same, capped at 1;
 * - capacity_fee = Σ quote_capacity × price × hours, scaled by exec_rate;
 * - efficiency_fee = the delivered energy (up to the scheduled amount) at the quoted price.
 * Hours without an award earn nothing and have rates of 0.
 */
export function hourIncome(hour: number, hourStart: number, slots: AwardedSlot[], deliveredMwh: number): HourIncome {
  const time = isoLocal(hourStart);
  let scheduled = 0;
  let capacityValue = 0;
  let quotedValue = 0;
  for (const slot of paying(slots)) {
    const h = overlapHours(slot, hourStart, hourStart + HOUR_MS);
    if (h === 0) continue;
    scheduled += slot.power * h;
    capacityValue += slot.quoteCapacity * slot.price * h;
    quotedValue += slot.power * h * slot.quotePrice;
  }
  if (scheduled <= 0) {
    return {
      hour,
      time,
      capacity_fee: 0,
      efficiency_fee: 0,
      exec_rate: 0,
      performance_index: 0,
      scheduled_mwh: 0,
      delivered_mwh: roundTo(deliveredMwh, 3),
    };
  }
  const performance = deliveredMwh / scheduled;
  const execRate = Math.min(1, performance);
  return {
    hour,
    time,
    capacity_fee: roundTo(capacityValue * execRate, 2),
    efficiency_fee: roundTo(Math.min(deliveredMwh, scheduled) * (quotedValue / scheduled), 2),
    exec_rate: roundTo(execRate, 4),
    performance_index: roundTo(performance, 4),
    scheduled_mwh: roundTo(scheduled, 3),
    delivered_mwh: roundTo(deliveredMwh, 3),
  };
}

export interface DayIncome {
  hourly_data: HourIncome[];
  total_capacity_fee: number;
  total_efficiency_fee: number;
  total_income: number;
  avg_exec_rate: number;
  avg_performance_index: number;
}

/**
 * A day of hourly income; averages are over the hours that had an award. `day` is the local day's
 * hour boundaries (SiteClock.hourEdges: 24 hours, 23 or 25 on a DST change), or a UTC midnight.
 */
export function dayIncome(
  day: number | readonly number[],
  slots: AwardedSlot[],
  deliveredMwhByHour: Map<number, number>,
): DayIncome {
  const edges = typeof day === 'number' ? uniformEdges(day, day + 24 * HOUR_MS, HOUR_MS) : day;
  const hours = edges.slice(0, -1).map((start, h) => hourIncome(h, start, slots, deliveredMwhByHour.get(start) ?? 0));
  const scheduled = hours.filter((h) => h.scheduled_mwh > 0);
  const capacity = hours.reduce((s, h) => s + h.capacity_fee, 0);
  const efficiency = hours.reduce((s, h) => s + h.efficiency_fee, 0);
  const mean = (pick: (h: HourIncome) => number): number =>
    scheduled.length === 0 ? 0 : roundTo(scheduled.reduce((s, h) => s + pick(h), 0) / scheduled.length, 4);
  return {
    hourly_data: hours,
    total_capacity_fee: roundTo(capacity, 2),
    total_efficiency_fee: roundTo(efficiency, 2),
    total_income: roundTo(capacity + efficiency, 2),
    avg_exec_rate: mean((h) => h.exec_rate),
    avg_performance_index: mean((h) => h.performance_index),
  };
}

/** Scheduled power (MW) at an instant: the awards in force then. */
export function scheduledPowerAt(slots: AwardedSlot[], at: number): number {
  return paying(slots)
    .filter((s) => s.timeStart <= at && at < s.timeEnd)
    .reduce((sum, s) => sum + s.power, 0);
}
