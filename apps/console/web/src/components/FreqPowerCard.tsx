import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../lib/api';
import { formatDateTime } from '../lib/site';
import { freqPowerSeries, utcMs, type FreqPower } from '../lib/storage-series';
import { formatPowerKw } from '../lib/units';
import { formatHz } from '../lib/units-electric';
import { TimeChart, type ChartSeries } from './TimeChart';
import { Card, ErrorNote, Loading } from './ui';

const formatKw = (v: number): string => formatPowerKw(v);
const formatFrequency = (v: number): string => formatHz(v, 2);

/** The last 24 hours of grid frequency against the batteries' power: how the units answered the grid. */
export function FreqPowerCard({ timezone }: { timezone?: string }) {
  const [minutes, setMinutes] = useState(15);
  const answer = useQuery({
    queryKey: ['solarhub', 'analysis', 'freq-power', minutes],
    queryFn: () => api<FreqPower>('solarhub', '/api/v1/analysis/freq-power', { query: { date_period: minutes } }),
  });
  const charts = useMemo(() => {
    if (!answer.data) return null;
    const s = freqPowerSeries(answer.data);
    const frequency: ChartSeries[] = [
      { label: 'Frequency', color: '--c-grid', values: s.frequency },
      { label: 'Baseline', color: '--fg-muted', values: s.baseline, stepped: true },
    ];
    const power: ChartSeries[] = [{ label: 'Battery power', color: '--c-battery', values: s.power, fill: true }];
    return { x: s.x, frequency, power };
  }, [answer.data]);
  return (
    <Card
      title="Grid frequency and battery power, 24 h"
      wide
      actions={
        <label className="inline-label">
          Every
          <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            <option value={5}>5 min</option>
            <option value={15}>15 min</option>
            <option value={60}>hour</option>
          </select>
        </label>
      }
    >
      <ErrorNote error={answer.error} />
      {answer.isPending ? <Loading what="the frequency history" /> : null}
      {charts && charts.x.length ? (
        <div className="chart-pair">
          <div>
            <h3 className="chart-title">Grid frequency</h3>
            <TimeChart
              x={charts.x}
              series={charts.frequency}
              format={formatFrequency}
              timezone={timezone}
              height={180}
              label="Grid frequency and its baseline over the last 24 hours"
            />
          </div>
          <div>
            <h3 className="chart-title">Battery power (+ discharge, − charge)</h3>
            <TimeChart
              x={charts.x}
              series={charts.power}
              format={formatKw}
              timezone={timezone}
              height={180}
              label="Battery power over the last 24 hours"
            />
          </div>
        </div>
      ) : answer.data ? (
        <p className="muted">No history in the last 24 hours.</p>
      ) : null}
      {answer.data ? (
        <p className="muted small">
          {formatDateTime(utcMs(answer.data.from), timezone)} – {formatDateTime(utcMs(answer.data.to), timezone)}
        </p>
      ) : null}
    </Card>
  );
}
