import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions, EntitySchema, MigrationExecutor, MixedList } from 'typeorm';
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
  /** MySQL: create the database when it does not exist (and the user may); default true. */
  createDatabase?: boolean;
  /**
   * Run pending migrations on connecting; default true. false (DB_MIGRATE=false): a release job
   * runs them (`main.js migrate`), and until it has, the connection is not ready and says what is pending.
   */
  migrate?: boolean;
}

/** Unknown database; access denied to it (MySQL does not say which of the two to a user without rights). */
const MYSQL_NO_DATABASE = new Set([1049, 1044]);
const UTF8MB4 = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';
const quoteName = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

interface MysqlError {
  errno?: number;
}

/** The database a MySQL URL names. */
export function mysqlDatabaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
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
  private connecting: Promise<void> = Promise.resolve();
  /** Migrations not yet applied while this app does not run them itself (DB_MIGRATE=false). */
  private pending: string[] = [];
  private recheck: NodeJS.Timeout | null = null;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;

  constructor(private readonly options: DatabaseOptions) {
    this.target = parseDatabaseUrl(options.url);
    this.logger = new Logger(`${options.appName}:database`);
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Starts connecting; resolves at once. Use `whenReady()` to wait for the first connection. */
  start(): void {
    this.attempt();
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
    if (this.pending.length > 0) throw new ServiceUnavailableException(`Database unavailable (${this.behind()})`);
    return this.source;
  }

  private behind(): string {
    return `schema behind: pending migration ${this.pending.join(', ')}; run the migrate command (DB_MIGRATE=false)`;
  }

  /** Readiness: a round trip to the database, so a drop after start-up is seen too; and no pending migration. */
  async state(): Promise<DependencyState> {
    const info = { type: this.target.type };
    if (!this.source?.isInitialized) return { up: false, info: { ...info, error: this.lastError ?? 'connecting' } };
    try {
      await this.source.query('SELECT 1');
      if (this.pending.length > 0) await this.checkPending(this.source);
      if (this.pending.length > 0)
        return { up: false, info: { ...info, pending: this.pending.join(', '), error: this.behind() } };
      return { up: true, info };
    } catch (error) {
      return { up: false, info: { ...info, error: (error as Error).message } };
    }
  }

  /** One connection attempt, remembered so that close() can wait for it to settle. */
  private attempt(): void {
    this.connecting = this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.recheck) clearInterval(this.recheck);
    // An attempt still migrating must finish (it sees `closed` and lets go of its connection)
    // before the caller tears down what it uses, such as the database itself in a test.
    await this.connecting;
    if (this.source?.isInitialized) await this.source.destroy();
  }

  /**
   * MySQL: a database that does not exist yet is created (utf8mb4) when the user may; otherwise
   * the error names it, and /health/ready shows that error.
   */
  private async createMissingDatabase(error: unknown): Promise<boolean> {
    if (this.target.type !== 'mysql' || !MYSQL_NO_DATABASE.has((error as MysqlError).errno ?? 0)) return false;
    const name = mysqlDatabaseName(this.target.url);
    if (this.options.createDatabase === false) {
      throw new Error(`database "${name}" does not exist (DB_CREATE_DATABASES=false: create it, or allow the app to)`);
    }
    const server = new URL(this.target.url);
    server.pathname = '/';
    const admin = new DataSource({ type: 'mysql', url: server.toString(), connectTimeout: 5000, logging: false });
    try {
      await admin.initialize();
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${quoteName(name)} ${UTF8MB4}`);
      this.logger.log(`created database "${name}" (utf8mb4)`);
      return true;
    } catch (cause) {
      throw new Error(
        `database "${name}" does not exist (or this user may not use it) and could not be created: ${(cause as Error).message}`,
      );
    } finally {
      if (admin.isInitialized) await admin.destroy();
    }
  }

  /**
   * MySQL: new tables in utf8mb4 whatever the server's default (a latin1 server would refuse
   * "温度"), and this app's existing tables converted once.
   */
  private async ensureUtf8mb4(source: DataSource, phase: 'before' | 'after'): Promise<void> {
    if (this.target.type !== 'mysql') return;
    const name = mysqlDatabaseName(this.target.url);
    if (phase === 'before') {
      const [row] = await source.query<{ charset: string }[]>(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [name],
      );
      if (row && row.charset !== 'utf8mb4') {
        await source
          .query(`ALTER DATABASE ${quoteName(name)} ${UTF8MB4}`)
          .catch((e: Error) => this.logger.warn(`database "${name}" stays ${row.charset}: ${e.message}`));
      }
      return;
    }
    const tables = new Set(source.entityMetadatas.map((m) => m.tableName));
    const rows = await source.query<{ name: string }[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_COLLATION NOT LIKE 'utf8mb4%'",
      [name],
    );
    for (const { name: table } of rows.filter((r) => tables.has(r.name))) {
      await source.query(`ALTER TABLE ${quoteName(table)} CONVERT TO ${UTF8MB4}`);
      this.logger.log(`converted table ${table} to utf8mb4`);
    }
  }

  /** A data source connected to the database, created first when it is missing (and allowed). */
  private async open(): Promise<DataSource> {
    const source = new DataSource(dataSourceOptions(this.target, this.options));
    try {
      await source.initialize();
    } catch (error) {
      if (!(await this.createMissingDatabase(error))) throw error;
      await source.initialize();
    }
    return source;
  }

  /** The pending migrations, utf8mb4 before and after; the names applied. */
  private async applyMigrations(source: DataSource): Promise<string[]> {
    await this.ensureUtf8mb4(source, 'before');
    const applied = await source.runMigrations({ transaction: 'each' });
    await this.ensureUtf8mb4(source, 'after');
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    return applied.map((m) => m.name);
  }

  private async checkPending(source: DataSource): Promise<void> {
    const pending = await new MigrationExecutor(source).getPendingMigrations();
    this.pending = pending.map((m) => m.name);
    if (this.pending.length === 0) {
      if (this.recheck) clearInterval(this.recheck);
      this.recheck = null;
      this.resolveReady();
    }
  }

  /**
   * The migrate command: connect once (creating the database when allowed), apply every pending
   * migration and close. Throws, with the cause, when any step fails.
   */
  async migrateOnce(): Promise<string[]> {
    const source = await this.open();
    try {
      return await this.applyMigrations(source);
    } finally {
      await source.destroy();
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let source: DataSource | null = null;
    try {
      source = await this.open();
      if (this.options.migrate !== false) await this.applyMigrations(source);
      else await this.checkPending(source);
      if (this.closed) {
        await source.destroy();
        return;
      }
      this.source = source;
      this.lastError = null;
      if (this.pending.length > 0) {
        this.logger.warn(`connected (${this.target.type}), ${this.behind()}`);
        // Ready once the release job has migrated: look again now and then, not only when probed.
        const current = source;
        this.recheck = setInterval(() => {
          void this.checkPending(current).catch(() => undefined);
        }, this.options.retryDelayMs ?? 2000);
        this.recheck.unref();
        return;
      }
      this.logger.log(`connected (${this.target.type})`);
      this.resolveReady();
    } catch (error) {
      this.lastError = (error as Error).message;
      if (source?.isInitialized) await source.destroy().catch(() => undefined);
      this.logger.warn(`database unavailable (${this.lastError}); retrying`);
      this.retry = setTimeout(() => this.attempt(), this.options.retryDelayMs ?? 2000);
    }
  }
}
