import { useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { SolarhubAnswer } from '../api/types';
import { api } from '../lib/api';
import {
  dailyIncomeBars,
  daysInMonth,
  energyBars,
  formatMoneyCompact,
  monthlyIncomeBars,
  total,
  utcDate,
  type DailyIncome,
  type MonthlyIncome,
  type PowerIo,
} from '../lib/storage-series';
import { formatEnergyKwh, formatMoney, formatPercent } from '../lib/units';
import { BarChart } from './BarChart';
import { Card, ErrorNote, Loading, Stat } from './ui';

type PowerLoss = SolarhubAnswer<'/api/v1/analysis/power-loss'>;

type Period = 'day' | 'month';

const hourTitle = (timezone?: string) => (at: number) =>
  new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: timezone ?? 'UTC',
  }).format(at);
const dayTitle = (at: number): string =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(at);

/**
 * Energy in and out of the batteries and the income from awards, per hour of a day or per day of
 * a month (solarhub-api's days are UTC days), with the period's losses and efficiency.
 */
export function StorageAnalysis({ timezone }: { timezone?: string }) {
  const [period, setPeriod] = useState<Period>('day');
  const [day, setDay] = useState(() => utcDate(Date.now()));
  const [month, setMonth] = useState(() => utcDate(Date.now()).slice(0, 7));
  const validDay = /^\d{4}-\d{2}-\d{2}$/.test(day);
  const validMonth = /^\d{4}-\d{2}$/.test(month);
  const first = period === 'day' ? day : `${month}-01`;
  const enabled = period === 'day' ? validDay : validMonth;

  const [io, income, loss] = useQueries({
    queries: [
      {
        queryKey: ['solarhub', 'analysis', 'power-io', period, first],
        queryFn: () =>
          api<PowerIo>('solarhub', '/api/v1/analysis/power-io', {
            query: { select_time: first, data_type: period === 'day' ? 'daily' : 'monthly' },
          }),
        enabled,
      },
      {
        queryKey: ['solarhub', 'income', period, first],
        queryFn: () =>
          period === 'day'
            ? api<DailyIncome>('solarhub', '/api/v1/schedule/income/daily', {
                query: { start_time: `${day} 00:00:00` },
              })
            : api<MonthlyIncome>('solarhub', '/api/v1/schedule/income/monthly', { query: { start_time: month } }),
        enabled,
      },
      {
        queryKey: ['solarhub', 'analysis', 'power-loss', period, first],
        queryFn: () =>
          api<PowerLoss>('solarhub', '/api/v1/analysis/power-loss', {
            query: { start_time: `${first} 00:00:00`, days: period === 'day' ? 1 : daysInMonth(month) },
          }),
        enabled,
      },
    ],
  });

  const energy = useMemo(() => (io.data ? energyBars(io.data, timezone) : null), [io.data, timezone]);
  const fees = useMemo(() => {
    const data = income.data;
    if (!data) return null;
    if ('hourly_data' in data) return period === 'day' ? dailyIncomeBars(data, timezone) : null;
    return period === 'month' ? monthlyIncomeBars(data) : null;
  }, [income.data, period, timezone]);
  const bucketTitle = useMemo(() => (period === 'day' ? hourTitle(timezone) : dayTitle), [period, timezone]);
  const formatEnergy = useCallback((v: number) => formatEnergyKwh(v), []);
  const formatFee = useCallback((v: number) => formatMoney(v), []);
  const l = loss.data;

  return (
    <Card
      title="Energy and income"
      wide
      actions={
        <div className="form-row">
          <fieldset className="segmented">
            <legend className="visually-hidden">Period</legend>
            {(['day', 'month'] as const).map((p) => (
              <label key={p} className={period === p ? 'segment active' : 'segment'}>
                <input
                  type="radio"
                  name="analysis-period"
                  value={p}
                  checked={period === p}
                  onChange={() => setPeriod(p)}
                />
                {p === 'day' ? 'Day' : 'Month'}
              </label>
            ))}
          </fieldset>
          {period === 'day' ? (
            <label className="inline-label">
              Day (UTC)
              <input type="date" value={day} onChange={(e) => setDay(e.target.value)} />
            </label>
          ) : (
            <label className="inline-label">
              Month
              <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} placeholder="YYYY-MM" />
            </label>
          )}
        </div>
      }
    >
      {!enabled ? <p className="note note-bad">Pick a {period} to show.</p> : null}
      {l ? (
        <div className="stats" data-testid="energy-totals">
          <Stat label="Charged" value={formatEnergyKwh(l.total_charge)} />
          <Stat label="Discharged" value={formatEnergyKwh(l.total_discharge)} />
          <Stat label="Loss" value={formatEnergyKwh(l.total_loss)} hint="charge − discharge" />
          <Stat
            label="Efficiency"
            value={l.avg_efficiency === null ? '—' : formatPercent(l.avg_efficiency)}
            hint="discharge ÷ charge"
          />
          <Stat label="Auxiliary use" value={formatEnergyKwh(l.total_aux)} />
          {fees ? <Stat label="Income" testId="income-total" value={formatMoney(total(fees))} /> : null}
        </div>
      ) : null}
      <ErrorNote error={loss.error} />
      <div className="chart-pair">
        <div>
          <h3 className="chart-title">Energy per {period === 'day' ? 'hour' : 'day'}</h3>
          <ErrorNote error={io.error} />
          {io.isLoading ? <Loading what="the energy" /> : null}
          {energy ? (
            <BarChart
              data={energy}
              format={formatEnergy}
              bucketTitle={bucketTitle}
              label={`Battery charge and discharge energy per ${period === 'day' ? 'hour' : 'day'}`}
              testId="energy-chart"
            />
          ) : null}
        </div>
        <div>
          <h3 className="chart-title">Income per {period === 'day' ? 'hour' : 'day'}</h3>
          <ErrorNote error={income.error} />
          {income.isLoading ? <Loading what="the income" /> : null}
          {fees ? (
            <BarChart
              data={fees}
              stacked
              format={formatFee}
              axisFormat={formatMoneyCompact}
              bucketTitle={bucketTitle}
              label={`Capacity and efficiency fees per ${period === 'day' ? 'hour' : 'day'}`}
              testId="income-chart"
            />
          ) : null}
        </div>
      </div>
    </Card>
  );
}
