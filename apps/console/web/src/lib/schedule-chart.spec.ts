import { limitInWatts, scheduleChart } from './schedule-chart';

const start = '2026-12-04T06:00:00Z';
const t0 = Date.parse(start) / 1000;

describe('the composite schedule as a stepped chart', () => {
  const schedule = {
    connectorId: 1,
    scheduleStart: start,
    duration: 3_600,
    chargingRateUnit: 'W' as const,
    chargingSchedulePeriod: [
      { startPeriod: 0, limit: 22_080 },
      { startPeriod: 900, limit: 11_000 },
      { startPeriod: 1_800, limit: 7_400 },
    ],
  };

  it('puts a point at each period start and one at the end repeating the last limit', () => {
    const chart = scheduleChart(schedule, Date.parse(start));
    expect(chart.x).toEqual([t0, t0 + 900, t0 + 1_800, t0 + 3_600]);
    expect(chart.limitW).toEqual([22_080, 11_000, 7_400, 7_400]);
    expect(chart.start).toBe(t0);
    expect(chart.end).toBe(t0 + 3_600);
  });

  it('says which limit is in force now', () => {
    expect(scheduleChart(schedule, (t0 + 10) * 1000).currentW).toBe(22_080);
    expect(scheduleChart(schedule, (t0 + 900) * 1000).currentW).toBe(11_000);
    expect(scheduleChart(schedule, (t0 + 3_000) * 1000).currentW).toBe(7_400);
    expect(scheduleChart(schedule, (t0 + 3_600) * 1000).currentW).toBeNull();
    // A station's clock a little ahead of the browser's: the first period is the one in force.
    expect(scheduleChart(schedule, (t0 - 2) * 1000).currentW).toBe(22_080);
  });

  it('sorts periods, keeps the last of a repeated start and drops those past the end', () => {
    const chart = scheduleChart(
      {
        ...schedule,
        chargingSchedulePeriod: [
          { startPeriod: 600, limit: 5_000 },
          { startPeriod: 0, limit: 9_000 },
          { startPeriod: 600, limit: 6_000 },
          { startPeriod: 4_000, limit: 1_000 },
        ],
      },
      Date.parse(start),
    );
    expect(chart.x).toEqual([t0, t0 + 600, t0 + 3_600]);
    expect(chart.limitW).toEqual([9_000, 6_000, 6_000]);
  });

  it('reads amps per phase at 230 V as watts', () => {
    expect(limitInWatts({ startPeriod: 0, limit: 16 }, 'A')).toBe(16 * 230 * 3);
    expect(limitInWatts({ startPeriod: 0, limit: 16, numberPhases: 1 }, 'A')).toBe(16 * 230);
    const chart = scheduleChart(
      { ...schedule, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
      Date.parse(start),
    );
    expect(chart.limitW).toEqual([6_900, 6_900]);
  });

  it('takes the station’s startSchedule and the asked duration when the answer lacks its own', () => {
    const chart = scheduleChart(
      { startSchedule: start, chargingSchedulePeriod: [{ startPeriod: 0, limit: 3_000 }] },
      Date.parse(start),
      7_200,
    );
    expect(chart.x).toEqual([t0, t0 + 7_200]);
  });

  it('is empty for a refused or empty schedule', () => {
    expect(scheduleChart(null).x).toEqual([]);
    expect(scheduleChart({ scheduleStart: start, chargingSchedulePeriod: [] }).currentW).toBeNull();
    expect(scheduleChart({ scheduleStart: 'soon', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }] }).x).toEqual(
      [],
    );
  });
});
