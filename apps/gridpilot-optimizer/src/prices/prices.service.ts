import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SiteClock } from '@lib/config';
import { GridpilotConfig } from '../gridpilot-optimizer.config';
import { DatabaseConnection } from '@lib/persistence';
import { roundTo } from '@lib/power';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { PriceEntity } from '../storage/entities';
import { HttpPriceSource } from './http-price-source';
import type { PricePoint, PriceSource } from './price-point';
import { SimulatedMarket } from './simulated-market';

const HOUR_MS = 3_600_000;
const CHUNK = 500;

export interface LocalDayPrices {
  date: string;
  start: number;
  end: number;
  hours: {
    start: number;
    localTime: string;
    energyPrice: number | null;
    hashPrice: number | null;
    tokenPrice: number | null;
    samples: number;
  }[];
}

/**
 * Market prices: fetched from the configured source every REFRESH_INTERVAL_S, kept in memory for
 * the forecasters and stored for `hours_back`. While the database is away, fetched points wait in
 * memory and are written when it returns; none is dropped.
 */
@Injectable()
export class PricesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('prices');
  readonly source: PriceSource;
  /** Recent points, oldest first (at most `keepMs` old). */
  private series: PricePoint[] = [];
  private unsaved: PricePoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly keepMs: number;
  /** Local days and hours of day (SITE_TIMEZONE). */
  readonly clock: SiteClock;
  lastRefresh: Date | null = null;
  lastError: string | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly database: DatabaseConnection,
  ) {
    const p = config.prices;
    this.source =
      p.source === 'http' && p.url
        ? new HttpPriceSource(p.url)
        : new SimulatedMarket({
            seed: p.seed,
            basePerMwh: p.basePerMwh,
            intervalMin: p.intervalMin,
            timezone: config.timezone,
          });
    this.clock = new SiteClock(config.timezone);
    this.keepMs = Math.max(p.backfillDays, 21) * 24 * HOUR_MS;
  }

  onModuleInit(): void {
    void this.start();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async start(): Promise<void> {
    await this.loadStored();
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.prices.refreshMs);
    this.timer.unref();
  }

  /** Reads what is stored (waits for the first database connection, in the background). */
  private async loadStored(): Promise<void> {
    await this.database.whenReady();
    const since = new Date(Date.now() - this.keepMs);
    const rows = await this.database
      .get()
      .getRepository(PriceEntity)
      .createQueryBuilder('p')
      .where('p.at >= :since', { since })
      .orderBy('p.at', 'ASC')
      .getMany();
    this.merge(rows.map((r) => ({ ...r, at: new Date(r.at) })));
  }

  /** Fetches what is new since the last point (or the backfill window), stores it; never throws. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const now = new Date();
    const last = this.series.at(-1)?.at;
    const backfillFrom = new Date(now.getTime() - this.config.prices.backfillDays * 24 * HOUR_MS);
    const from = last ? new Date(last.getTime() + 1) : this.source.canBackfill ? backfillFrom : new Date(0);
    try {
      const points = await this.source.fetch(from, new Date(now.getTime() + 1));
      this.merge(points);
      this.unsaved.push(...points);
      this.lastRefresh = now;
      this.lastError = null;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.logger.warn(`price refresh failed: ${this.lastError}`);
    }
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.unsaved.length === 0 || !this.database.connected) return;
    const pending = this.unsaved;
    this.unsaved = [];
    try {
      for (let i = 0; i < pending.length; i += CHUNK) {
        const rows = pending.slice(i, i + CHUNK).map((p) => ({ ...p, source: this.source.name }));
        await this.database.get().createQueryBuilder().insert().into(PriceEntity).values(rows).orIgnore().execute();
      }
    } catch (error) {
      this.unsaved = [...pending, ...this.unsaved];
      this.logger.warn(`prices not stored yet (${(error as Error).message}); ${this.unsaved.length} waiting`);
    }
  }

  private merge(points: PricePoint[]): void {
    if (points.length === 0) return;
    const byTime = new Map<number, PricePoint>();
    for (const p of [...this.series, ...points]) byTime.set(p.at.getTime(), p);
    const cutoff = Date.now() - this.keepMs;
    this.series = [...byTime.values()]
      .filter((p) => p.at.getTime() >= cutoff)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  get pendingWrites(): number {
    return this.unsaved.length;
  }

  latest(): PricePoint | null {
    return this.series.at(-1) ?? null;
  }

  /** Points in [from, to), oldest first: from memory when it holds them (or the database is away), else stored. */
  async between(from: number, to: number): Promise<PricePoint[]> {
    const heldSince = this.series[0]?.at.getTime() ?? Infinity;
    if (from >= heldSince || !this.database.connected) {
      return this.series.filter((p) => p.at.getTime() >= from && p.at.getTime() < to);
    }
    return this.stored(from, to);
  }

  /**
   * A local day's prices hour by hour (the day's UTC range computed from SITE_TIMEZONE): 24 hours,
   * 23 or 25 on a DST change; an hour without a price has nulls and 0 samples.
   */
  async localDay(date: string): Promise<LocalDayPrices | null> {
    const day = this.clock.day(date);
    if (!day) return null;
    const edges = this.clock.hourEdges(day.start);
    const points = await this.between(day.start, day.end);
    const hours = edges.slice(0, -1).map((start, i) => {
      const inHour = points.filter((p) => p.at.getTime() >= start && p.at.getTime() < edges[i + 1]);
      const mean = (pick: (p: PricePoint) => number): number | null =>
        inHour.length === 0 ? null : roundTo(inHour.reduce((s, p) => s + pick(p), 0) / inHour.length, 3);
      return {
        start,
        localTime: this.clock.isoWithOffset(start),
        energyPrice: mean((p) => p.energyPrice),
        hashPrice: mean((p) => p.hashPrice),
        tokenPrice: mean((p) => p.tokenPrice),
        samples: inHour.length,
      };
    });
    return { date, start: day.start, end: day.end, hours };
  }

  /** Points of the last `hours` hours: from memory within its window (or while the database is away), else from the database. */
  async history(hours: number): Promise<PricePoint[]> {
    const since = Date.now() - hours * HOUR_MS;
    if (hours * HOUR_MS <= this.keepMs || !this.database.connected) {
      return this.series.filter((p) => p.at.getTime() >= since);
    }
    return this.stored(since);
  }

  /** Stored points from `from` (until `to`, when given), oldest first. */
  private async stored(from: number, to?: number): Promise<PricePoint[]> {
    const query = this.database
      .get()
      .getRepository(PriceEntity)
      .createQueryBuilder('p')
      .where('p.at >= :from', { from: new Date(from) });
    if (to !== undefined) query.andWhere('p.at < :to', { to: new Date(to) });
    const rows = await query.orderBy('p.at', 'ASC').getMany();
    return rows.map((r) => ({
      at: new Date(r.at),
      energyPrice: r.energyPrice,
      hashPrice: r.hashPrice,
      tokenPrice: r.tokenPrice,
      volume: r.volume,
    }));
  }

  /**
   * Hourly mean energy prices of the last `hours` complete hours, oldest first; an hour without a
   * point repeats the one before, so the series has no holes.
   */
  hourly(hours: number, until = new Date()): { start: Date; values: number[] } {
    const end = Math.floor(until.getTime() / HOUR_MS) * HOUR_MS;
    const start = end - hours * HOUR_MS;
    const sums = new Float64Array(hours);
    const counts = new Uint32Array(hours);
    for (const p of this.series) {
      const i = Math.floor((p.at.getTime() - start) / HOUR_MS);
      if (i >= 0 && i < hours) {
        sums[i] += p.energyPrice;
        counts[i] += 1;
      }
    }
    const values: number[] = [];
    let last = NaN;
    for (let i = 0; i < hours; i++) {
      if (counts[i] > 0) last = sums[i] / counts[i];
      values.push(last);
    }
    const firstKnown = values.findIndex((v) => !Number.isNaN(v));
    if (firstKnown < 0) return { start: new Date(end), values: [] };
    return { start: new Date(start + firstKnown * HOUR_MS), values: values.slice(firstKnown) };
  }
}
