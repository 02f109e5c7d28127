import {
  alertState,
  dailyIncomeBars,
  daysInMonth,
  energyBars,
  formatMoneyCompact,
  freqPowerSeries,
  maxStacked,
  monthlyIncomeBars,
  niceScale,
  rackAlertRows,
  scheduleRequest,
  setBits,
  total,
  utcMs,
  zonedToIso,
  type ScheduleForm,
} from './storage-series';

describe('storage series', () => {
  it('reads the API’s offset-less times as UTC', () => {
    expect(utcMs('2026-12-04T05:00:00')).toBe(Date.UTC(2026, 11, 4, 5));
    expect(utcMs('2026-12-04')).toBe(Date.UTC(2026, 11, 4));
    expect(utcMs('2026-12-04 05:00:00')).toBe(Date.UTC(2026, 11, 4, 5));
    expect(utcMs('2026-12-04T05:00:00.000Z')).toBe(Date.UTC(2026, 11, 4, 5));
    expect(daysInMonth('2026-02')).toBe(28);
    expect(daysInMonth('2024-02')).toBe(29);
    expect(daysInMonth('2026-12')).toBe(31);
  });

  it('makes charge and discharge bars per hour, labelled in the site’s time zone', () => {
    const bars = energyBars(
      {
        select_time: '2026-12-04',
        data_type: 'daily',
        unit: 'kWh',
        data: [
          { time: '2026-12-04T01:00:00', charge_energy: 1000, discharge_energy: 0 },
          { time: '2026-12-04T00:00:00', charge_energy: 0, discharge_energy: 250 },
        ],
        total_charge: 1000,
        total_discharge: 250,
        status: 'success',
      },
      'Europe/Berlin',
    );
    expect(bars.buckets.map((b) => b.label)).toEqual(['01', '02']);
    expect(bars.series.map((s) => s.label)).toEqual(['Charge', 'Discharge']);
    expect(bars.series[0].values).toEqual([0, 1000]);
    expect(bars.series[1].values).toEqual([250, 0]);
    expect(total(bars, 'Charge')).toBe(1000);
    expect(maxStacked(bars)).toBe(1000);
  });

  it('labels a month’s bars by day', () => {
    const bars = energyBars({
      select_time: '2026-12-01',
      data_type: 'monthly',
      unit: 'kWh',
      data: [{ time: '2026-12-03T00:00:00', charge_energy: 5, discharge_energy: 4 }],
      total_charge: 5,
      total_discharge: 4,
      status: 'success',
    });
    expect(bars.buckets[0].label).toBe('03');
  });

  it('makes fee bars per hour of a day and per day of a month', () => {
    const daily = dailyIncomeBars({
      date: '2026-12-04',
      hourly_data: [
        {
          hour: 14,
          time: '2026-12-04T14:00:00',
          capacity_fee: 10,
          efficiency_fee: 5,
          exec_rate: 1,
          performance_index: 1,
          scheduled_mwh: 1,
          delivered_mwh: 1,
        },
      ],
    });
    expect(daily.buckets).toEqual([{ at: Date.UTC(2026, 11, 4, 14), label: '14' }]);
    expect(total(daily)).toBe(15);
    const monthly = monthlyIncomeBars({
      month: '2026-12',
      daily_data: [
        { date: '2026-12-02', capacity_fee: 2, efficiency_fee: 3, total_income: 5, avg_exec_rate: 0.5 },
        { date: '2026-12-01', capacity_fee: 1, efficiency_fee: 1, total_income: 2, avg_exec_rate: 0.5 },
      ],
    });
    expect(monthly.buckets.map((b) => b.label)).toEqual(['01', '02']);
    expect(monthly.series[0].values).toEqual([1, 2]);
    expect(maxStacked(monthly)).toBe(5);
  });

  it('writes money on an axis compactly', () => {
    expect(formatMoneyCompact(10000)).toBe('€10K');
    expect(formatMoneyCompact(2500)).toBe('€2.5K');
    expect(formatMoneyCompact(0.25)).toBe('€0.25');
  });

  it('picks a y scale with round ticks', () => {
    expect(niceScale(937)).toEqual({ top: 1000, step: 250 });
    expect(niceScale(9603.79)).toEqual({ top: 10000, step: 2500 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.25 });
    expect(niceScale(40)).toEqual({ top: 40, step: 10 });
  });

  it('reads the alarm words and groups rack alerts per BESS unit', () => {
    expect(alertState('正常')).toEqual({ text: 'Normal', tone: 'ok' });
    expect(alertState('異常')).toEqual({ text: 'Alarm', tone: 'bad' });
    expect(alertState('通訊中斷').tone).toBe('warn');
    expect(alertState('-').tone).toBe('idle');
    expect(
      rackAlertRows({
        rack_number: 'rack01',
        battery_alerts: {
          battery_2_protection: '正常',
          battery_1_warning: '異常',
          battery_1_protection: '正常',
          other: 'x',
        },
        bams_alerts: {},
        status: 'success',
      }),
    ).toEqual([
      { unit: 1, protection: '正常', alarm: undefined, warning: '異常' },
      { unit: 2, protection: '正常', alarm: undefined, warning: undefined },
    ]);
  });

  it('lists the set bits of a status word', () => {
    expect(setBits('0000000000000000')).toEqual([]);
    expect(setBits('1000000000000101')).toEqual([0, 2, 15]);
    expect(setBits('garbage')).toEqual([]);
  });

  it('converts the site’s wall clock to UTC instants for the schedule', () => {
    expect(zonedToIso('2026-12-04T14:00', 'UTC')).toBe('2026-12-04T14:00:00Z');
    expect(zonedToIso('2026-12-04T14:00', 'Europe/Lisbon')).toBe('2026-12-04T14:00:00Z');
    expect(zonedToIso('2026-07-04T14:00', 'Europe/Lisbon')).toBe('2026-07-04T13:00:00Z');
    expect(zonedToIso('2026-07-04T14:00', 'America/Sao_Paulo')).toBe('2026-07-04T17:00:00Z');
    expect(zonedToIso('not a time')).toBeNull();
  });

  it('builds the schedule request, leaving out empty optional texts', () => {
    const form: ScheduleForm = {
      mode: 'dreg',
      start: '2026-12-04T14:00',
      end: '2026-12-04T15:00',
      isGet: true,
      interrupt: false,
      quoteCapacity: '2',
      power: '1.8',
      price: '900',
      quotePrice: '',
      quoteCode: ' ',
      title: ' D-Reg ',
      description: '',
    };
    const body = scheduleRequest(form, 'UTC');
    expect(JSON.parse(JSON.stringify(body))).not.toHaveProperty('quote_price');
    expect(body).toEqual({
      mode: 'dreg',
      time_start: '2026-12-04T14:00:00Z',
      time_end: '2026-12-04T15:00:00Z',
      is_get: true,
      interrupt: false,
      quote_capacity: 2,
      power: 1.8,
      price: 900,
      quote_price: undefined,
      title: 'D-Reg',
    });
  });

  it('aligns frequency, baseline and battery power on one time axis', () => {
    const out = freqPowerSeries({
      date_period: 60,
      select_mode: 'normalMode',
      select_time: null,
      from: '',
      to: '',
      frequency_data: [
        [7_200_000, 60.01],
        [3_600_000, 59.99],
      ],
      baseline_data: [
        [3_600_000, 60],
        [7_200_000, 60],
      ],
      power_data: [[7_200_000, -1000]],
    });
    expect(out).toEqual({
      x: [3600, 7200],
      frequency: [59.99, 60.01],
      baseline: [60, 60],
      power: [null, -1000],
    });
  });
});
