import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import type { DependencyState } from '@lib/observability';
import { DatabaseTarget, parseDatabaseUrl } from './database-url';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type MigrationList = MixedList<Function | string>;

export interface DatabaseOptions {
  url: string;
  /** Names the migrations table, so several apps can share one database. */
  appName: string;
  entities: EntityList;
  migrations: MigrationList;
  /** Delay between connection attempts while the database is away. */
  retryDelayMs?: number;
}

export function dataSourceOptions(target: DatabaseTarget, options: DatabaseOptions): DataSourceOptions {
  const common = {
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: `${options.appName.replace(/-/g, '_')}_migrations`,
    synchronize: false,
    logging: false,
  } as const;
  if (target.type === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: target.url,
      timezone: 'Z',
      charset: 'utf8mb4',
      connectTimeout: 5000,
      extra: { connectionLimit: 10, enableKeepAlive: true },
    };
  }
  if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: target.path,
    prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      // With WAL, NORMAL syncs at checkpoints rather than at every commit: no corruption on a crash,
      // and the embedded database stops paying one fsync per small write.
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
    },
  };
}

/**
 * A TypeORM data source that never blocks start-up: it connects (and runs pending migrations)
 * in the background, retrying while the database is away, and reports its state for readiness.
 * Callers reach it through `get()`, which answers 503 while it is not connected.
 */
export class DatabaseConnection {
  readonly target: DatabaseTarget;
  private readonly logger: Logger;
  private source: DataSource | null = null;
  private lastError: string | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;

  constructor(private readonly options: DatabaseOptions) {
    this.target = parseDatabaseUrl(options.url);
    this.logger = new Logger(`${options.appName}:database`);
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Starts connecting; resolves at once. Use `whenReady()` to wait for the first connection. */
  start(): void {
    void this.connect();
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  get connected(): boolean {
    return this.source?.isInitialized === true;
  }

  /** The data source, or a 503 the global filter turns into `{"detail": "Database unavailable"}`. */
  get(): DataSource {
    if (!this.source?.isInitialized) throw new ServiceUnavailableException('Database unavailable');
    return this.source;
  }

  /** Readiness: a round trip to the database, so a drop after start-up is seen too. */
  async state(): Promise<DependencyState> {
    const info = { type: this.target.type };
    if (!this.source?.isInitialized) return { up: false, info: { ...info, error: this.lastError ?? 'connecting' } };
    try {
      await this.source.query('SELECT 1');
      return { up: true, info };
    } catch (error) {
      return { up: false, info: { ...info, error: (error as Error).message } };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.source?.isInitialized) await this.source.destroy();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const source = new DataSource(dataSourceOptions(this.target, this.options));
    try {
      await source.initialize();
      const applied = await source.runMigrations({ transaction: 'each' });
      if (applied.length > 0) this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
      if (this.closed) {
        await source.destroy();
        return;
      }
      this.source = source;
      this.lastError = null;
      this.logger.log(`connected (${this.target.type})`);
      this.resolveReady();
    } catch (error) {
      this.lastError = (error as Error).message;
      if (source.isInitialized) await source.destroy().catch(() => undefined);
      this.logger.warn(`database unavailable (${this.lastError}); retrying`);
      this.retry = setTimeout(() => void this.connect(), this.options.retryDelayMs ?? 2000);
    }
  }
}
