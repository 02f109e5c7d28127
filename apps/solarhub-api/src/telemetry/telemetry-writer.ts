import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { SolarhubConfig, SolarhubDomain, bessDomain } from '@lib/config';
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

/**
 * Telemetry into storage: the newest value per unit to Redis within ~100 ms, history rows to the
 * unit's database in batches (INSERT … IGNORE on the unique (device, seq), so a redelivered
 * message is stored once), and alarms reconciled with the alerts table. Rows wait in memory while
 * their database is away and are written when it returns.
 */
@Injectable()
export class TelemetryWriter implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(TelemetryWriter.name);
  private pending: ParsedTelemetry[] = [];
  private pendingRows = 0;
  private readonly latest = new Map<string, { kind: LatestKind; unit: number; ts: number; value: unknown }>();
  private readonly latestTs = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** Each source's alarm set as last written, so unchanged sources cost nothing. */
  private readonly alertSignature = new Map<string, string>();
  private readonly alertState = new Map<string, ActiveAlert[]>();
  private flushTimer: NodeJS.Timeout | null = null;
  private latestTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly stored;
  private readonly dropped;

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

  get backlog(): number {
    return this.pendingRows;
  }

  accept(items: ParsedTelemetry[]): void {
    for (const item of items) {
      this.pending.push(item);
      this.pendingRows += item.kind === 'bess' ? 1 + item.racks.length : 1;
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
    if (this.pendingRows >= this.config.ingest.batchSize) void this.flush();
  }

  /** Writes what is pending; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
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

  private trimBacklog(): void {
    let excess = this.pendingRows - this.config.ingest.bufferMax;
    if (excess <= 0) return;
    let drop = 0;
    while (excess > 0 && drop < this.pending.length) {
      const item = this.pending[drop++];
      const rows = item.kind === 'bess' ? 1 + item.racks.length : 1;
      excess -= rows;
      this.pendingRows -= rows;
    }
    this.pending = this.pending.slice(drop);
    this.dropped.inc(drop);
    this.logger.warn(`history backlog over INGEST_BUFFER_MAX: dropped the ${drop} oldest readings`);
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
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    const kept: ParsedTelemetry[] = [];
    const failed = new Set<SolarhubDomain>();
    for (const batch of this.batches(items)) {
      if (failed.has(batch.domain)) continue;
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
        failed.add(batch.domain);
        this.logger.warn(`history for ${batch.domain} kept for later: ${(error as Error).message}`);
      }
    }
    if (failed.size === 0) return;
    // Whole readings stay for the next attempt; rows already written are ignored then as duplicates.
    for (const item of items) {
      const domain = item.kind === 'bess' ? bessDomain(item.unit) : item.kind;
      if (failed.has(domain)) kept.push(item);
    }
    this.pending = [...kept, ...this.pending];
    this.pendingRows = this.pending.reduce((n, i) => n + (i.kind === 'bess' ? 1 + i.racks.length : 1), 0);
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
