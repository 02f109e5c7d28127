import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { SolarhubConfig, SolarhubDomain, bessDomain } from '@lib/config';
import { BoundedQueue } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import {
  AlertEntity,
  BessReadingEntity,
  InverterReadingEntity,
  MeterReadingEntity,
  PcsReadingEntity,
  RackReadingEntity,
} from '../storage/entities';
import { SolarhubDatabases } from '../storage/databases';
import { LatestKind, LatestStore } from '../storage/latest-store';
import type { ActiveAlert, ParsedTelemetry } from './parse';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityClass = Function;
interface Batch {
  domain: SolarhubDomain;
  entity: EntityClass;
  rows: object[];
}

const LATEST_EVERY_MS = 100;
const ROWS_PER_INSERT = 500;
/** Warnings about the backlog or seq gaps: at most one a minute, with the counts since the last. */
const WARN_EVERY_MS = 60_000;

const rowsOf = (item: ParsedTelemetry): number => (item.kind === 'bess' ? 1 + item.racks.length : 1);

/**
 * Telemetry into storage: the newest value per unit to Redis within ~100 ms, history rows to the
 * unit's database in batches (INSERT … IGNORE on the unique (device, seq), so a redelivered
 * message is stored once), and alarms reconciled with the alerts table. Rows wait in memory while
 * their database is away and are written when it returns.
 */
@Injectable()
export class TelemetryWriter implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(TelemetryWriter.name);
  private pending: BoundedQueue<ParsedTelemetry>;
  /** Rows in `pending`, and rows of the batch being written. */
  private queuedRows = 0;
  private inFlightRows = 0;
  /** Resolved once the backlog is down to their level (ingestion's backpressure). */
  private drainWaiters: { rows: number; resolve: () => void }[] = [];
  /** Each device's last seq, to count the readings that never arrived. */
  private readonly lastSeq = new Map<string, number>();
  private readonly warned = { droppedAt: 0, dropped: 0, gapsAt: 0, gaps: 0 };
  private readonly latest = new Map<string, { kind: LatestKind; unit: number; ts: number; value: unknown }>();
  private readonly latestTs = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** Each source's alarm set as last written, so unchanged sources cost nothing. */
  private readonly alertSignature = new Map<string, string>();
  private readonly alertState = new Map<string, ActiveAlert[]>();
  private flushTimer: NodeJS.Timeout | null = null;
  private latestTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private readonly stored;
  private readonly dropped;
  private readonly gaps;

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
    private readonly store: LatestStore,
    metrics: MetricsService,
  ) {
    this.stored = metrics.counter('solarhub_history_rows_total', 'History rows written, by table', ['table']);
    this.dropped = metrics.counter(
      'solarhub_history_dropped_total',
      'Readings dropped because the database stayed away longer than INGEST_BUFFER_MAX allows',
    );
    this.gaps = metrics.counter(
      'solarhub_telemetry_seq_gaps_total',
      'Readings that never arrived: jumps in a device seq (alert when it rises)',
      ['device_id'],
    );
    this.pending = new BoundedQueue(config.ingest.bufferMax);
  }

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.config.ingest.flushMs);
    this.latestTimer = setInterval(() => void this.pushLatest(), LATEST_EVERY_MS);
  }

  onModuleDestroy(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.latestTimer) clearInterval(this.latestTimer);
  }

  /** The last readings reach storage before the databases close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    await this.pushLatest();
    await this.flush();
  }

  /** Rows not yet stored: queued and being written. */
  get backlog(): number {
    return this.queuedRows + this.inFlightRows;
  }

  private enqueue(item: ParsedTelemetry): void {
    this.queuedRows += rowsOf(item);
    const dropped = this.pending.push(item);
    if (dropped) this.lose(dropped);
  }

  private lose(item: ParsedTelemetry): void {
    this.queuedRows -= rowsOf(item);
    this.dropped.inc();
    this.warned.dropped += 1;
  }

  /** Resolves once at most `rows` rows wait for the database. */
  drainedTo(rows: number): Promise<void> {
    if (this.backlog <= rows) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push({ rows, resolve }));
  }

  private wakeDrainWaiters(): void {
    const ready = this.drainWaiters.filter((w) => this.backlog <= w.rows);
    if (ready.length === 0) return;
    this.drainWaiters = this.drainWaiters.filter((w) => this.backlog > w.rows);
    for (const w of ready) w.resolve();
  }

  private countGap(item: ParsedTelemetry): void {
    const { deviceId, seq } = item.row;
    const last = this.lastSeq.get(deviceId);
    if (last !== undefined && seq <= last) return; // a redelivery or a late one: stored once anyway
    this.lastSeq.set(deviceId, seq);
    if (last === undefined || seq === last + 1) return;
    const missing = seq - last - 1;
    this.gaps.inc({ device_id: deviceId }, missing);
    this.warned.gaps += missing;
    if (Date.now() - this.warned.gapsAt >= WARN_EVERY_MS) {
      this.logger.warn(
        `telemetry gaps: ${this.warned.gaps} readings never arrived (last: ${deviceId} before seq ${seq})`,
      );
      this.warned.gapsAt = Date.now();
      this.warned.gaps = 0;
    }
  }

  accept(items: ParsedTelemetry[]): void {
    for (const item of items) {
      this.countGap(item);
      this.enqueue(item);
      const key = `${item.kind}:${item.unit}`;
      if ((this.latestTs.get(key) ?? -Infinity) <= item.row.ts) {
        this.latestTs.set(key, item.row.ts);
        const value = item.kind === 'bess' ? { ...item.row, racks: item.racks } : item.row;
        this.latest.set(key, { kind: item.kind, unit: item.unit, ts: item.row.ts, value });
        this.dirty.add(key);
        this.alertState.set(item.source, item.alerts);
      }
    }
    this.trimBacklog();
    if (this.queuedRows >= this.config.ingest.batchSize) void this.flush();
  }

  /**
   * Writes what is pending. At most one write waits behind the running one, and it takes everything
   * that arrived meanwhile: a message arriving during a write must not queue a write of its own
   * (thousands of one-row INSERTs would starve the database under load).
   */
  flush(): Promise<void> {
    if (this.flushQueued) return this.flushing;
    this.flushQueued = true;
    this.flushing = this.flushing.then(() => {
      this.flushQueued = false;
      return this.writePending();
    });
    return this.flushing;
  }

  private async pushLatest(): Promise<void> {
    if (this.dirty.size === 0) return;
    const keys = [...this.dirty];
    this.dirty.clear();
    const values = keys.map((k) => this.latest.get(k)).filter((v) => v !== undefined);
    const ok = await this.store.putMany(values);
    if (!ok && this.store.configured.main) for (const k of keys) this.dirty.add(k);
  }

  /**
   * Past INGEST_BUFFER_MAX rows the oldest readings go (counted; warned at most once a minute).
   * Live ingestion stops reading long before (INGEST_HIGH_WATER_ROWS), so this bounds only what
   * arrives otherwise, e.g. a seed while the database is away. O(1) per dropped reading.
   */
  private trimBacklog(): void {
    while (this.backlog > this.config.ingest.bufferMax) {
      const item = this.pending.shift();
      if (!item) break;
      this.lose(item);
    }
    if (this.warned.dropped > 0 && Date.now() - this.warned.droppedAt >= WARN_EVERY_MS) {
      this.logger.warn(`history backlog over INGEST_BUFFER_MAX: dropped the ${this.warned.dropped} oldest readings`);
      this.warned.droppedAt = Date.now();
      this.warned.dropped = 0;
    }
  }

  private batches(items: ParsedTelemetry[]): Batch[] {
    const map = new Map<string, Batch>();
    const add = (domain: SolarhubDomain, entity: EntityClass, rows: object[]): void => {
      const key = `${domain}:${entity.name}`;
      const batch = map.get(key) ?? { domain, entity, rows: [] };
      batch.rows.push(...rows);
      map.set(key, batch);
    };
    for (const item of items) {
      switch (item.kind) {
        case 'bess':
          add(bessDomain(item.unit), BessReadingEntity, [item.row]);
          add(bessDomain(item.unit), RackReadingEntity, item.racks);
          break;
        case 'pcs':
          add('pcs', PcsReadingEntity, [item.row]);
          break;
        case 'meter':
          add('meter', MeterReadingEntity, [item.row]);
          break;
        case 'inverter':
          add('inverter', InverterReadingEntity, [item.row]);
          break;
      }
    }
    return [...map.values()];
  }

  private async writePending(): Promise<void> {
    await this.writeAlerts();
    if (this.pending.size === 0) return;
    const items: ParsedTelemetry[] = [];
    for (let item = this.pending.shift(); item; item = this.pending.shift()) items.push(item);
    // What arrives while this batch is written is queued on its own; the batch's rows leave the
    // backlog only once stored (or go back to the queue).
    this.inFlightRows = this.queuedRows;
    this.queuedRows = 0;
    const failed = new Set<SolarhubDomain>();
    // Each table of each database on its own connection of the pool, in multi-row INSERTs.
    await Promise.all(
      this.batches(items).map(async (batch) => {
        try {
          const source = this.databases.source(batch.domain);
          for (let i = 0; i < batch.rows.length; i += ROWS_PER_INSERT) {
            await source
              .createQueryBuilder()
              .insert()
              .into(batch.entity)
              .values(batch.rows.slice(i, i + ROWS_PER_INSERT))
              .orIgnore()
              .updateEntity(false)
              .execute();
          }
          this.stored.inc({ table: batch.entity.name }, batch.rows.length);
        } catch (error) {
          if (!failed.has(batch.domain)) {
            this.logger.warn(`history for ${batch.domain} kept for later: ${(error as Error).message}`);
          }
          failed.add(batch.domain);
        }
      }),
    );
    this.inFlightRows = 0;
    if (failed.size > 0) {
      // Whole readings stay for the next attempt, ahead of newer ones; rows already written are
      // ignored then as duplicates.
      const newer: ParsedTelemetry[] = [];
      for (let item = this.pending.shift(); item; item = this.pending.shift()) newer.push(item);
      this.queuedRows = 0;
      for (const item of items) {
        const domain = item.kind === 'bess' ? bessDomain(item.unit) : item.kind;
        if (failed.has(domain)) this.enqueue(item);
      }
      for (const item of newer) this.enqueue(item);
    }
    this.wakeDrainWaiters();
  }

  /** Makes the alerts table match each changed source's current alarms: raise new, clear gone. */
  private async writeAlerts(): Promise<void> {
    const changed = [...this.alertState].filter(
      ([source, alerts]) => this.alertSignature.get(source) !== signature(alerts),
    );
    if (changed.length === 0 || !this.databases.connected('ess')) return;
    try {
      const repo = this.databases.source('ess').getRepository(AlertEntity);
      const active = await repo.find({ where: { clearedAt: IsNull() } });
      const now = new Date();
      for (const [source, alerts] of changed) {
        const mine = active.filter((a) => a.source === source || a.source.startsWith(`${source} `));
        const wanted = new Set(alerts.map((a) => `${a.source}|${a.code}`));
        const have = new Set(mine.map((a) => `${a.source}|${a.code}`));
        const gone = mine.filter((a) => !wanted.has(`${a.source}|${a.code}`));
        if (gone.length > 0)
          await repo.update(
            gone.map((a) => a.id),
            { clearedAt: now },
          );
        const fresh = alerts.filter((a) => !have.has(`${a.source}|${a.code}`));
        if (fresh.length > 0) await repo.insert(fresh.map((a) => ({ ...a, raisedAt: now, clearedAt: null })));
        this.alertSignature.set(source, signature(alerts));
      }
    } catch (error) {
      this.logger.warn(`alerts not written yet: ${(error as Error).message}`);
    }
  }
}

function signature(alerts: ActiveAlert[]): string {
  return alerts
    .map((a) => `${a.source}|${a.code}|${a.level}`)
    .sort()
    .join(',');
}
