import type { DataSource } from 'typeorm';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Integer bucket of an epoch-ms column, in the dialect of the data source. */
export function bucketExpr(source: DataSource, column: string, sizeMs: number): string {
  const size = Math.trunc(sizeMs);
  return source.options.type === 'mysql' ? `(${column} DIV ${size})` : `(${column} / ${size})`;
}

export interface SeriesQuery {
  table: string;
  unitColumn: string;
  units: number[];
  fromMs: number;
  toMs: number;
  bucketMs: number;
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
  const bucket = bucketExpr(source, 'ts', q.bucketMs);
  const rows: { unit: number | string; b: number | string; lo: number; hi: number }[] = await source.query(
    `SELECT ${q.unitColumn} AS unit, ${bucket} AS b, MIN(${q.counter}) AS lo, MAX(${q.counter}) AS hi
       FROM ${q.table}
      WHERE ${q.unitColumn} IN (${q.units.map(() => '?').join(',')}) AND ts >= ? AND ts < ?
      GROUP BY ${q.unitColumn}, ${bucket}
      ORDER BY ${q.unitColumn}, b`,
    [...q.units, q.fromMs - q.bucketMs, q.toMs],
  );
  const out = new Map<number, number>();
  let prevUnit: number | null = null;
  let prevHi: number | null = null;
  for (const row of rows) {
    const unit = Number(row.unit);
    const start = Number(row.b) * q.bucketMs;
    const lo = Number(row.lo);
    const hi = Number(row.hi);
    const base = prevUnit === unit && prevHi !== null && prevHi <= hi ? prevHi : lo;
    prevUnit = unit;
    prevHi = hi;
    if (start < q.fromMs) continue;
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
  const bucket = bucketExpr(source, 'ts', q.bucketMs);
  const rows: { unit: number | string; b: number | string; av: number; lo: number; hi: number }[] = await source.query(
    `SELECT ${q.unitColumn} AS unit, ${bucket} AS b, AVG(${q.value}) AS av, MIN(${q.value}) AS lo, MAX(${q.value}) AS hi
         FROM ${q.table}
        WHERE ${q.unitColumn} IN (${q.units.map(() => '?').join(',')}) AND ts >= ? AND ts < ?
        GROUP BY ${q.unitColumn}, ${bucket}`,
    [...q.units, q.fromMs, q.toMs],
  );
  for (const row of rows) {
    const start = Number(row.b) * q.bucketMs;
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

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** 2024-01-01T14:00:00: the document's timestamp format (UTC, seconds, no zone suffix). */
export const isoLocal = (ms: number | Date): string => new Date(ms).toISOString().slice(0, 19);
export const isoDate = (ms: number | Date): string => new Date(ms).toISOString().slice(0, 10);
