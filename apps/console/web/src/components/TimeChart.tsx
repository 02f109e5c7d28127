import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock, formatDay } from '../lib/site';

export interface ChartSeries {
  label: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  /** A CSS colour or variable name (`--c-pv`). */
  color: string;
  /** Steps (a schedule's limit) rather than lines. */
  stepped?: boolean;
  /** A filled area under the line. */
  fill?: boolean;
}

function cssColor(color: string, element: HTMLElement): string {
  if (!color.startsWith('--')) return color;
  return getComputedStyle(element).getPropertyValue(color).trim() || '#888';
}

/**
 * A time-series chart (uPlot: 50 kB, draws 100k points in a few ms): x in unix seconds, shown in
 * the site's time zone; the y axis formats with `format` (units chosen for the size).
 */
export function TimeChart({
  x,
  series,
  height = 220,
  format,
  timezone,
  label,
}: {
  x: number[];
  series: ChartSeries[];
  height?: number;
  format: (value: number) => string;
  timezone?: string;
  /** The chart's accessible name. */
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axisColor = cssColor('--fg-muted', element);
    const gridColor = cssColor('--border', element);
    const plot = new uPlot(
      {
        width: element.clientWidth || 600,
        height,
        tzDate: timezone ? (ts) => uPlot.tzDate(new Date(ts * 1000), timezone) : undefined,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        axes: [
          {
            stroke: axisColor,
            grid: { stroke: gridColor, width: 1 },
            // Day-first dates and 24 h clocks in the site's time zone, whatever the browser's locale.
            values: (_u, splits) => {
              const span = x.length > 1 ? x[x.length - 1] - x[0] : 0;
              return splits.map((ts) =>
                span > 2 * 86_400 ? formatDay(ts * 1000, timezone) : formatClock(ts * 1000, timezone),
              );
            },
          },
          {
            stroke: axisColor,
            grid: { stroke: gridColor, width: 1 },
            size: 70,
            values: (_u, values) => values.map((v) => format(v)),
          },
        ],
        series: [
          {},
          ...series.map((s) => {
            const stroke = cssColor(s.color, element);
            return {
              label: s.label,
              stroke,
              width: 2,
              fill: s.fill ? `${stroke}33` : undefined,
              paths: s.stepped ? uPlot.paths.stepped?.({ align: 1 }) : undefined,
              value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
            };
          }),
        ],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height, format, timezone]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
