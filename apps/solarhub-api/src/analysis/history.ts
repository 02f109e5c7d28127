import { UnprocessableEntityException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { SiteClock } from '@lib/config';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Buckets as their boundaries: bucket i is [edges[i], edges[i + 1]). Equal buckets (5 minutes, an
 * hour) or local days, which are 23, 24 or 25 hours long in a zone with DST.
 */
export type Edges = readonly number[];

/** `count` equal buckets of `sizeMs` from `fromMs`. */
export function uniformEdges(fromMs: number, toMs: number, sizeMs: number): number[] {
  const edges: number[] = [];
  for (let t = fromMs; t < toMs; t += sizeMs) edges.push(t);
  edges.push(toMs);
  return edges;
}

function uniformSize(edges: Edges): number | null {
  const size = edges[1] - edges[0];
  for (let i = 2; i < edges.length; i++) if (edges[i] - edges[i - 1] !== size) return null;
  return size;
}

/**
 * The bucket index (0-based) of an epoch-ms column, in the dialect of the data source, for rows
 * already restricted to [edges[0], edges[last]). Equal buckets divide; unequal ones (local days)
 * compare against each boundary, which every engine does alike.
 */
export function bucketExpr(source: DataSource, column: string, edges: Edges): string {
  const from = Math.trunc(edges[0]);
  const size = uniformSize(edges);
  if (size !== null && edges.length > 1) {
    return source.options.type === 'mysql'
      ? `((${column} - ${from}) DIV ${size})`
      : `((${column} - ${from}) / ${size})`;
  }
  const whens = edges
    .slice(1, -1)
    .map((e, i) => `WHEN ${column} < ${Math.trunc(e)} THEN ${i}`)
    .join(' ');
  return `(CASE ${whens} ELSE ${edges.length - 2} END)`;
}

export interface SeriesQuery {
  table: string;
  unitColumn: string;
  units: number[];
  edges: Edges;
}

/**
 * Energy per bucket from a cumulative counter (kWh registers): the bucket's last value minus the
 * previous bucket's last value (or the bucket's first value when there is no earlier data).
 * Summed over the units; a counter that went back (a replaced device) counts only its rise.
 */
export async function counterDeltas(
  source: DataSource,
  q: SeriesQuery & { counter: string },
): Promise<Map<number, number>> {
  if (q.units.length === 0) return new Map();
  // One bucket before the first holds the registers' last value before it (a day is enough).
  const edges = [q.edges[0] - Math.max(q.edges[1] - q.edges[0], 1), ...q.edges];
  const bucket = bucketExpr(source, 'ts', edges);
  const rows: { unit: number | string; b: number | string; lo: number; hi: number }[] = await source.query(
    `SELECT ${q.unitColumn} AS unit, ${bucket} AS b, MIN(${q.counter}) AS lo, MAX(${q.counter}) AS hi
       FROM ${q.table}
      WHERE ${q.unitColumn} IN (${q.units.map(() => '?').join(',')}) AND ts >= ? AND ts < ?
      GROUP BY ${q.unitColumn}, ${bucket}
      ORDER BY ${q.unitColumn}, b`,
    [...q.units, edges[0], edges[edges.length - 1]],
  );
  const out = new Map<number, number>();
  let prevUnit: number | null = null;
  let prevHi: number | null = null;
  for (const row of rows) {
    const unit = Number(row.unit);
    const index = Number(row.b);
    const lo = Number(row.lo);
    const hi = Number(row.hi);
    const base = prevUnit === unit && prevHi !== null && prevHi <= hi ? prevHi : lo;
    prevUnit = unit;
    prevHi = hi;
    if (index === 0) continue;
    const start = edges[index];
    out.set(start, (out.get(start) ?? 0) + Math.max(0, hi - base));
  }
  return out;
}

export interface BucketStats {
  avg: number;
  min: number;
  max: number;
}

/** Average, minimum and maximum of a column per bucket and unit. */
export async function bucketStats(
  source: DataSource,
  q: SeriesQuery & { value: string },
): Promise<Map<number, Map<number, BucketStats>>> {
  const out = new Map<number, Map<number, BucketStats>>();
  if (q.units.length === 0) return out;
  const bucket = bucketExpr(source, 'ts', q.edges);
  const rows: { unit: number | string; b: number | string; av: number; lo: number; hi: number }[] = await source.query(
    `SELECT ${q.unitColumn} AS unit, ${bucket} AS b, AVG(${q.value}) AS av, MIN(${q.value}) AS lo, MAX(${q.value}) AS hi
         FROM ${q.table}
        WHERE ${q.unitColumn} IN (${q.units.map(() => '?').join(',')}) AND ts >= ? AND ts < ?
        GROUP BY ${q.unitColumn}, ${bucket}`,
    [...q.units, q.edges[0], q.edges[q.edges.length - 1]],
  );
  for (const row of rows) {
    const start = q.edges[Number(row.b)];
    const perUnit = out.get(start) ?? new Map<number, BucketStats>();
    perUnit.set(Number(row.unit), { avg: Number(row.av), min: Number(row.lo), max: Number(row.hi) });
    out.set(start, perUnit);
  }
  return out;
}

/** Per bucket, the sum over units of each unit's average (site total of a per-unit quantity). */
export function sumOfAverages(stats: Map<number, Map<number, BucketStats>>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [start, perUnit] of stats) {
    let total = 0;
    for (const s of perUnit.values()) total += s.avg;
    out.set(start, total);
  }
  return out;
}

export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** 2024-01-01T14:00:00: the document's timestamp format (UTC, seconds, no zone suffix). */
export const isoLocal = (ms: number | Date): string => new Date(ms).toISOString().slice(0, 19);
export const isoDate = (ms: number | Date): string => new Date(ms).toISOString().slice(0, 10);

/**
 * A query time in the site's zone: `2024-01-01`, `2024-01-01 14:00[:00]` or `…T14:00` are local
 * wall-clock times, a `Z` or an offset is that instant. An impossible date is a 422 naming the field.
 */
export function siteQueryTime(clock: SiteClock, field: string, value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:\d{2})?$/.test(value.trim())
    ? clock.parse(value)
    : null;
  if (ms === null) {
    throw new UnprocessableEntityException({
      detail: [{ type: 'value_error', loc: ['query', field], msg: `${field} is not a valid date`, input: value }],
    });
  }
  return ms;
}
