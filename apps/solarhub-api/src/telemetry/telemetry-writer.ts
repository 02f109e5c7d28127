import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { escape, escapeId } from 'mysql2';
import { DataSource, IsNull } from 'typeorm';
import { SolarhubConfig, SolarhubDomain, bessDomain } from '../solarhub-api.config';
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
  /** The domains whose rows it holds (all in one database). */
  domains: Set<SolarhubDomain>;
  entity: EntityClass;
  rows: object[];
}

const LATEST_EVERY_MS = 100;
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
  /** Messages received whose acknowledgement waits for their rows to be stored. */
  private unacked = 0;
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
  /** Each history table's INSERT builder (MySQL), made once from the entity's columns. */
  private readonly statements = new Map<EntityClass, (rows: object[]) => string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private latestTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private readonly stored;
  private readonly dropped;
  private readonly gaps;
  private readonly backlogGauge;
  private readonly unackedGauge;

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
    this.backlogGauge = metrics.gauge(
      'solarhub_ingest_backlog_rows',
      'History rows not yet stored (queued and being written)',
    );
    this.unackedGauge = metrics.gauge(
      'solarhub_ingest_unacked_messages',
      'Messages received and not yet acknowledged to the broker (their rows are not stored yet)',
    );
    this.pending = new BoundedQueue(config.ingest.bufferMax);
  }

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.config.ingest.flushMs);
    this.latestTimer = setInterval(() => {
      this.backlogGauge.set(this.backlog);
      this.unackedGauge.set(this.unacked);
      void this.pushLatest();
    }, LATEST_EVERY_MS);
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
    if (item.ack) {
      // never stored: the broker sends it again after a reconnect, if it still has it
      item.ack = undefined;
      this.unacked -= 1;
    }
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
      if (item.ack) this.unacked += 1;
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
    // One batch per table of each distinct database: the BESS domains usually share a database,
    // and twelve small INSERTs into the same table cost more than one large one.
    const map = new Map<DataSource | SolarhubDomain, Map<EntityClass, Batch>>();
    const add = (domain: SolarhubDomain, entity: EntityClass, rows: object[] | object): void => {
      const where = this.databases.connected(domain) ? this.databases.source(domain) : domain;
      let tables = map.get(where);
      if (!tables) map.set(where, (tables = new Map<EntityClass, Batch>()));
      let batch = tables.get(entity);
      if (!batch) tables.set(entity, (batch = { domains: new Set(), entity, rows: [] }));
      batch.domains.add(domain);
      if (Array.isArray(rows)) for (const row of rows as object[]) batch.rows.push(row);
      else batch.rows.push(rows);
    };
    for (const item of items) {
      switch (item.kind) {
        case 'bess':
          add(bessDomain(item.unit), BessReadingEntity, item.row);
          add(bessDomain(item.unit), RackReadingEntity, item.racks);
          break;
        case 'pcs':
          add('pcs', PcsReadingEntity, item.row);
          break;
        case 'meter':
          add('meter', MeterReadingEntity, item.row);
          break;
        case 'inverter':
          add('inverter', InverterReadingEntity, item.row);
          break;
      }
    }
    return [...map.values()].flatMap((tables) => [...tables.values()]);
  }

  /**
   * Writes one batch in INSERTs of up to INGEST_INSERT_ROWS rows, at most INGEST_WRITERS of them
   * at once. On MySQL the statement is built as text (INSERT IGNORE, numbers written as they are,
   * strings escaped by the driver): TypeORM's query builder spent more CPU building a 500-row
   * INSERT than MariaDB spent running it. SQLite (development) keeps the query builder.
   */
  private async writeBatch(batch: Batch): Promise<void> {
    const domain = batch.domains.values().next().value as SolarhubDomain;
    const source = this.databases.source(domain);
    const { insertRows, writers } = this.config.ingest;
    const chunks: object[][] = [];
    for (let i = 0; i < batch.rows.length; i += insertRows) chunks.push(batch.rows.slice(i, i + insertRows));
    const mysql = source.options.type === 'mysql';
    const insert = mysql ? this.insertStatement(source, batch.entity) : null;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const rows = chunks[next++];
        if (insert) await source.query(insert(rows));
        else
          await source
            .createQueryBuilder()
            .insert()
            .into(batch.entity)
            .values(rows)
            .orIgnore()
            .updateEntity(false)
            .execute();
      }
    };
    await Promise.all(Array.from({ length: Math.min(writers, chunks.length) }, worker));
  }

  /** `rows => INSERT IGNORE …` for a history table, its columns read once from the entity. */
  private insertStatement(source: DataSource, entity: EntityClass): (rows: object[]) => string {
    const cached = this.statements.get(entity);
    if (cached) return cached;
    const metadata = source.getMetadata(entity);
    const columns = metadata.columns.filter((c) => !c.isGenerated);
    const head = `INSERT IGNORE INTO ${escapeId(metadata.tableName)} (${columns.map((c) => escapeId(c.databaseName)).join(',')}) VALUES `;
    const props = columns.map((c) => c.propertyName);
    const statement = (rows: object[]): string => {
      const values: string[] = new Array<string>(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r] as Record<string, unknown>;
        let tuple = '(';
        for (let c = 0; c < props.length; c++) tuple += (c === 0 ? '' : ',') + sqlValue(row[props[c]]);
        values[r] = tuple + ')';
      }
      return head + values.join(',');
    };
    this.statements.set(entity, statement);
    return statement;
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
    // Each table of each database in multi-row INSERTs, on several pooled connections at once.
    await Promise.all(
      this.batches(items).map(async (batch) => {
        try {
          await this.writeBatch(batch);
          this.stored.inc({ table: batch.entity.name }, batch.rows.length);
        } catch (error) {
          if (![...batch.domains].some((d) => failed.has(d))) {
            this.logger.warn(
              `history for ${[...batch.domains].join(', ')} kept for later: ${(error as Error).message}`,
            );
          }
          for (const d of batch.domains) failed.add(d);
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
        else this.acknowledge(item);
      }
      for (const item of newer) this.enqueue(item);
    } else {
      for (const item of items) this.acknowledge(item);
    }
    this.wakeDrainWaiters();
  }

  /** The reading is stored: its message may now be acknowledged to the broker. */
  private acknowledge(item: ParsedTelemetry): void {
    if (item.ack) {
      item.ack();
      item.ack = undefined;
      this.unacked -= 1;
    }
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

/** A history value as MySQL text: numbers as they are (the contract makes them finite), strings escaped. */
function sqlValue(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (value === null || value === undefined) return 'NULL';
  return escape(value as string);
}

function signature(alerts: ActiveAlert[]): string {
  return alerts
    .map((a) => `${a.source}|${a.code}|${a.level}`)
    .sort()
    .join(',');
}
