import { SiteClock } from '@lib/config';
import { HOUR_MS } from '../analysis/history';
import { AwardedSlot, dayIncome, hourIncome, scheduledPowerAt } from './income';

const day = Date.UTC(2024, 0, 1);
const slot = (over: Partial<AwardedSlot> = {}): AwardedSlot => ({
  timeStart: day + 14 * HOUR_MS,
  timeEnd: day + 15 * HOUR_MS,
  isGet: true,
  interrupt: false,
  quoteCapacity: 5,
  power: 4,
  price: 800,
  quotePrice: 900,
  ...over,
});

describe('income from schedule × price and delivered energy', () => {
  it('pays capacity × price scaled by the execution rate, and delivered energy at the quoted price', () => {
    // 4 MWh scheduled, 3 MWh delivered: exec rate 0.75
    const h = hourIncome(14, day + 14 * HOUR_MS, [slot()], 3);
    expect(h.exec_rate).toBe(0.75);
    expect(h.performance_index).toBe(0.75);
    expect(h.capacity_fee).toBe(5 * 800 * 0.75);
    expect(h.efficiency_fee).toBe(3 * 900);
  });

  it('caps the execution rate at 1 but reports over-delivery in the performance index', () => {
    const h = hourIncome(14, day + 14 * HOUR_MS, [slot()], 5);
    expect(h.exec_rate).toBe(1);
    expect(h.performance_index).toBe(1.25);
    expect(h.capacity_fee).toBe(4000);
    expect(h.efficiency_fee).toBe(4 * 900);
  });

  it('counts half an hour of a slot that covers half the hour', () => {
    const h = hourIncome(14, day + 14 * HOUR_MS, [slot({ timeEnd: day + 14.5 * HOUR_MS })], 2);
    expect(h.scheduled_mwh).toBe(2);
    expect(h.capacity_fee).toBe(5 * 800 * 0.5);
  });

  it('pays nothing for slots not won or interrupted', () => {
    for (const s of [slot({ isGet: false }), slot({ interrupt: true })]) {
      const h = hourIncome(14, day + 14 * HOUR_MS, [s], 4);
      expect(h).toMatchObject({ capacity_fee: 0, efficiency_fee: 0, exec_rate: 0 });
    }
  });

  it('sums a day and averages the rates over the awarded hours only', () => {
    const slots = [slot(), slot({ timeStart: day + 15 * HOUR_MS, timeEnd: day + 16 * HOUR_MS })];
    const delivered = new Map([
      [day + 14 * HOUR_MS, 4],
      [day + 15 * HOUR_MS, 2],
      [day + 3 * HOUR_MS, 9],
    ]);
    const d = dayIncome(day, slots, delivered);
    expect(d.hourly_data).toHaveLength(24);
    expect(d.avg_exec_rate).toBe(0.75);
    expect(d.total_capacity_fee).toBe(4000 + 2000);
    expect(d.total_efficiency_fee).toBe(6 * 900);
    expect(d.total_income).toBe(6000 + 5400);
    expect(d.hourly_data[3].capacity_fee).toBe(0);
  });

  it('a local day on a DST change has 23 or 25 hours of income, each at its real hour', () => {
    const berlin = new SiteClock('Europe/Berlin');
    const spring = berlin.day('2026-03-29')!;
    const autumn = berlin.day('2026-10-25')!;
    expect(dayIncome(berlin.hourEdges(spring.start), [], new Map()).hourly_data).toHaveLength(23);
    // 01:00-02:00 UTC on 25 October is the second 02:00 in Berlin (CET): hour 3 after local midnight.
    const award = slot({ timeStart: Date.UTC(2026, 9, 25, 1), timeEnd: Date.UTC(2026, 9, 25, 2) });
    const d = dayIncome(berlin.hourEdges(autumn.start), [award], new Map([[Date.UTC(2026, 9, 25, 1), 4]]));
    expect(d.hourly_data).toHaveLength(25);
    expect(d.hourly_data[3]).toMatchObject({ hour: 3, time: '2026-10-25T01:00:00', exec_rate: 1 });
    expect(d.total_capacity_fee).toBe(4000);
  });

  it('knows the scheduled power at an instant', () => {
    expect(scheduledPowerAt([slot()], day + 14.5 * HOUR_MS)).toBe(4);
    expect(scheduledPowerAt([slot()], day + 15 * HOUR_MS)).toBe(0);
  });
});
