import { useEffect, useRef, useState } from 'react';
import { maxStacked, niceScale, type BarData } from '../lib/storage-series';
import { TableScroll, TableHead, num } from './TableScroll';

/** `--c-pv` → `bar-pv` (the colour classes in styles.css). */
const colorClass = (color: string): string => `bar-${color.replace(/^--c-/, '')}`;

/**
 * Bars per bucket (an hour, a day) in SVG, drawn at the box's own pixel width so the text stays
 * readable at 390 px; stacked (fees that add up) or side by side (charge against discharge). The
 * figures are in a table under the chart too, for screen readers and for reading exact values.
 */
export function BarChart({
  data,
  format,
  axisFormat,
  label,
  stacked,
  height = 220,
  bucketTitle,
  testId,
}: {
  data: BarData;
  format: (value: number) => string;
  /** The y axis's figures, when shorter than `format`'s. */
  axisFormat?: (value: number) => string;
  /** The chart's accessible name. */
  label: string;
  stacked?: boolean;
  height?: number;
  /** The bucket's name in tooltips and the table ("14:00", "3 Dec"). */
  bucketTitle: (at: number) => string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    // The observer reports the box's first size at once, then every change.
    const resize = new ResizeObserver(() => setWidth(element.clientWidth || 600));
    resize.observe(element);
    return () => resize.disconnect();
  }, []);

  const n = data.buckets.length;
  const max = stacked
    ? maxStacked(data)
    : Math.max(0, ...data.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v))));
  const { top, step } = niceScale(max);
  const left = 70;
  const right = 8;
  const topPad = 8;
  const bottom = 22;
  const plotW = Math.max(10, width - left - right);
  const plotH = height - topPad - bottom;
  const slot = n ? plotW / n : plotW;
  const y = (v: number): number => topPad + plotH - (Math.max(0, v) / top) * plotH;
  const ticks: number[] = [];
  for (let t = 0; t <= top + 1e-9; t += step) ticks.push(t);
  // Label every bucket when there is room, else every 2nd, 3rd… (about 28 px per label).
  const every = Math.max(1, Math.ceil(28 / Math.max(1, slot)));
  const groups = stacked ? 1 : data.series.length;
  const barW = Math.max(1, (slot * 0.8) / groups);

  return (
    <figure className="bar-chart" data-testid={testId}>
      <div ref={box} className="bar-box">
        <svg width={width} height={height} role="img" aria-label={label}>
          {ticks.map((t) => (
            <g key={t}>
              <line className="bar-rule" x1={left} x2={width - right} y1={y(t)} y2={y(t)} />
              <text className="bar-axis" x={left - 6} y={y(t) + 4} textAnchor="end">
                {(axisFormat ?? format)(t)}
              </text>
            </g>
          ))}
          {data.buckets.map((b, i) => {
            const x0 = left + i * slot + slot * 0.1;
            let base = 0;
            return (
              <g key={b.at}>
                {data.series.map((s, k) => {
                  const v = Math.max(0, s.values[i] ?? 0);
                  const yTop = stacked ? y(base + v) : y(v);
                  const yBottom = stacked ? y(base) : y(0);
                  if (stacked) base += v;
                  return (
                    <rect
                      key={s.label}
                      className={colorClass(s.color)}
                      x={stacked ? x0 : x0 + k * barW}
                      y={yTop}
                      width={barW}
                      height={Math.max(0, yBottom - yTop)}
                    >
                      <title>{`${bucketTitle(b.at)} · ${s.label}: ${format(s.values[i] ?? 0)}`}</title>
                    </rect>
                  );
                })}
                {i % every === 0 ? (
                  <text className="bar-axis" x={left + i * slot + slot / 2} y={height - 6} textAnchor="middle">
                    {b.label}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="bar-legend">
        {data.series.map((s) => (
          <span key={s.label} className="bar-key">
            <svg width="12" height="12" aria-hidden="true">
              <rect className={colorClass(s.color)} width="12" height="12" rx="2" />
            </svg>
            {s.label}
          </span>
        ))}
      </figcaption>
      <details className="bar-table">
        <summary>Figures as a table</summary>
        <TableScroll label="Figures">
          <table>
            <TableHead columns={['When', ...data.series.map((s) => num(s.label))]} />
            <tbody>
              {data.buckets.map((b, i) => (
                <tr key={b.at}>
                  <th scope="row">{bucketTitle(b.at)}</th>
                  {data.series.map((s) => (
                    <td key={s.label} className="num">
                      {format(s.values[i] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </figure>
  );
}
