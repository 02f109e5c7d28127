import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseConnection, insertRows, parseDatabaseUrl } from '@lib/persistence';
import { Column, Entity, MigrationInterface, PrimaryColumn, PrimaryGeneratedColumn, QueryRunner, Table } from 'typeorm';
import { testServices } from './services';
import { eventually } from './support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from './support/infra';
import { TcpProxy } from './support/tcp-proxy';

const TABLE = `e2e_reading_${process.pid}`;

@Entity({ name: TABLE })
class Reading {
  @PrimaryColumn({ type: 'varchar', length: 64 }) deviceId!: string;
  @PrimaryColumn({ type: 'int' }) seq!: number;
  @Column({ type: 'double' }) powerKw!: number;
}

const SAMPLES = `e2e_sample_${process.pid}`;

/** Every kind of column insertRows converts: generated key, datetime, simple-json, nullable text. */
@Entity({ name: SAMPLES })
class Sample {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 16 }) writer!: string;
  @Column({ type: 'datetime' }) at!: Date;
  @Column({ type: 'simple-json' }) doc!: { limits: number[]; kind: string };
  @Column({ type: 'varchar', length: 16, nullable: true }) note!: string | null;
  @Column({ type: 'double' }) kw!: number;
}

/** One migration for both test tables, as an app's first migration creates its schema. */
class CreateTestTables1700000000000 implements MigrationInterface {
  name = 'CreateTestTables1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    const tables = [
      new Table({
        name: TABLE,
        columns: [
          { name: 'deviceId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'seq', type: 'int', isPrimary: true },
          { name: 'powerKw', type: 'double' },
        ],
      }),
      new Table({
        name: SAMPLES,
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'writer', type: 'varchar', length: '16' },
          { name: 'at', type: 'datetime' },
          { name: 'doc', type: 'text' },
          { name: 'note', type: 'varchar', length: '16', isNullable: true },
          { name: 'kw', type: 'double' },
        ],
      }),
    ];
    for (const table of tables) await runner.createTable(table, true);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable(SAMPLES, true);
    await runner.dropTable(TABLE, true);
  }
}

const options = (url: string) => ({
  url,
  appName: `e2e-${process.pid}`,
  entities: [Reading, Sample],
  migrations: [CreateTestTables1700000000000],
  retryDelayMs: 200,
});

async function dropTables(db: DatabaseConnection): Promise<void> {
  for (const table of [TABLE, SAMPLES, `e2e_${process.pid}_migrations`]) {
    await db.get().query(`DROP TABLE IF EXISTS ${table}`);
  }
}

type SampleValues = Omit<Sample, 'id' | 'writer'>;

const SAMPLE_ROWS: SampleValues[] = [
  { at: new Date('2026-06-01T10:15:30Z'), doc: { limits: [7400, 3700.5], kind: 'TxProfile' }, note: null, kw: 3.5 },
  { at: new Date('2026-06-01T10:15:40Z'), doc: { limits: [], kind: 'it\'s "quoted"' }, note: 'L1', kw: -0.25 },
];

/** The same rows through TypeORM's insert and through insertRows, read back per writer. */
async function insertBothWays(db: DatabaseConnection): Promise<Record<string, SampleValues[]>> {
  const repo = db.get().getRepository(Sample);
  await repo.insert(SAMPLE_ROWS.map((row) => ({ ...row, writer: 'typeorm' })));
  await insertRows(
    db.get(),
    Sample,
    SAMPLE_ROWS.map((row) => ({ ...row, writer: 'insertRows' })),
  );
  const stored = await repo.find({ order: { id: 'ASC' } });
  const byWriter: Record<string, SampleValues[]> = {};
  for (const { writer, at, doc, note, kw } of stored) (byWriter[writer] ??= []).push({ at, doc, note, kw });
  return byWriter;
}

const expectSameRows = (byWriter: Record<string, SampleValues[]>) => {
  expect(byWriter.insertRows).toEqual(byWriter.typeorm);
  expect(byWriter.insertRows).toEqual(SAMPLE_ROWS);
};

async function roundTrip(db: DatabaseConnection): Promise<Reading[]> {
  const repo = db.get().getRepository(Reading);
  // Idempotent per (device, seq): storing the same message twice keeps one row.
  await repo.upsert([{ deviceId: 'd1', seq: 1, powerKw: 3.5 }], ['deviceId', 'seq']);
  await repo.upsert(
    [
      { deviceId: 'd1', seq: 1, powerKw: 3.5 },
      { deviceId: 'd1', seq: 2, powerKw: 4 },
    ],
    ['deviceId', 'seq'],
  );
  return repo.find({ order: { seq: 'ASC' } });
}

describe('persistence: one data source, MySQL or SQLite by DATABASE_URL', () => {
  it.each([
    ['mysql://…', 'mysql://u:p@db:3306/x', 'mysql'],
    ['mariadb://…', 'mariadb://u:p@db/x', 'mysql'],
    ['sqlite:<file>', 'sqlite:./data/app.sqlite', 'sqlite'],
  ])('parses %s', (_name, url, type) => {
    expect(parseDatabaseUrl(url).type).toBe(type);
  });

  it('refuses other schemes without echoing the password', () => {
    expect(() => parseDatabaseUrl('postgres://u:hunter2@db/x')).toThrow(/DATABASE_URL/);
    expect(() => parseDatabaseUrl('postgres://u:hunter2@db/x')).not.toThrow(/hunter2/);
  });

  it('runs migrations, stores rows idempotently and inserts rows as TypeORM does on the real MariaDB', async () => {
    const db = new DatabaseConnection(options(testServices.mysqlUrl));
    db.start();
    await db.whenReady();
    try {
      expect(await roundTrip(db)).toEqual([
        { deviceId: 'd1', seq: 1, powerKw: 3.5 },
        { deviceId: 'd1', seq: 2, powerKw: 4 },
      ]);
      expect((await db.state()).up).toBe(true);
      expectSameRows(await insertBothWays(db));
      await expect(insertRows(db.get(), Sample, [{ writer: 'x' }, { writer: 'y', kw: 1 }])).rejects.toThrow(
        /same properties/,
      );
    } finally {
      await dropTables(db);
      await db.close();
    }
  });

  it('runs the same migrations and inserts on an embedded SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-'));
    const db = new DatabaseConnection(options(`sqlite:${join(dir, 'nested', 'app.sqlite')}`));
    db.start();
    await db.whenReady();
    try {
      expect(await roundTrip(db)).toHaveLength(2);
      expectSameRows(await insertBothWays(db));
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts without MySQL, answers 503 meanwhile, and connects by itself when it comes', async () => {
    const mysql = new URL(testServices.mysqlUrl);
    const proxy = new TcpProxy(mysql.hostname, Number(mysql.port || 3306));
    const port = await proxy.start();
    await proxy.stop();
    const url = `mysql://${mysql.username}:${mysql.password}@127.0.0.1:${port}${mysql.pathname}`;
    const db = new DatabaseConnection(options(url));
    db.start();
    try {
      expect((await db.state()).up).toBe(false);
      expect(() => db.get()).toThrow('Database unavailable');
      await proxy.restart();
      await db.whenReady();
      expect(
        await eventually(
          () => db.state(),
          (s) => s.up,
        ),
      ).toMatchObject({ up: true });
      await proxy.stop();
      expect(
        await eventually(
          () => db.state(),
          (s) => !s.up,
        ),
      ).toMatchObject({ up: false });
      await proxy.restart();
      expect(
        await eventually(
          () => db.state(),
          (s) => s.up,
          20_000,
        ),
      ).toMatchObject({ up: true });
    } finally {
      if (db.connected) await dropTables(db);
      await db.close();
      await proxy.stop();
    }
  });

  describe('databases the apps make for themselves (MariaDB)', () => {
    const created = `e2e_created_${process.pid}`;
    const latin1 = `e2e_latin1_${process.pid}`;
    const missing = `e2e_missing_${process.pid}`;
    const user = `e2e_nocreate_${process.pid}`;

    afterAll(async () => {
      for (const db of [created, latin1, missing]) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
      await mysqlAdmin(`DROP USER IF EXISTS '${user}'@'%'`);
      await mysqlAdmin(`DROP USER IF EXISTS '${user}'@'localhost'`);
    });

    const schemaCharset = async (db: DatabaseConnection, name: string): Promise<string> => {
      const [row] = await db
        .get()
        .query<{ c: string }[]>(
          'SELECT DEFAULT_CHARACTER_SET_NAME AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [name],
        );
      return row.c;
    };

    it('creates a missing database in utf8mb4 and becomes ready', async () => {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${created}`);
      const db = new DatabaseConnection(options(mysqlDatabaseUrl(created)));
      db.start();
      try {
        await db.whenReady();
        expect(await schemaCharset(db, created)).toBe('utf8mb4');
        expect(await roundTrip(db)).toHaveLength(2);
      } finally {
        await db.close();
      }
    });

    it('stores "温度" even in a database a latin1 server made, converting the tables it had', async () => {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${latin1}`);
      await mysqlAdmin(`CREATE DATABASE ${latin1} CHARACTER SET latin1`);
      // A table from before, in latin1: the app converts it.
      await mysqlAdmin(
        `CREATE TABLE ${latin1}.${SAMPLES} (id INT AUTO_INCREMENT PRIMARY KEY, writer VARCHAR(16) NOT NULL, at DATETIME NOT NULL, doc TEXT NOT NULL, note VARCHAR(16) NULL, kw DOUBLE NOT NULL) CHARACTER SET latin1`,
      );
      const db = new DatabaseConnection(options(mysqlDatabaseUrl(latin1)));
      db.start();
      try {
        await db.whenReady();
        const repo = db.get().getRepository(Sample);
        await repo.insert({ writer: '温度', at: new Date(), doc: { limits: [], kind: '℃' }, note: '湿度 %', kw: 1 });
        expect(await repo.findOneBy({ writer: '温度' })).toMatchObject({ note: '湿度 %', doc: { kind: '℃' } });
        await db.get().getRepository(Reading).insert({ deviceId: '温度-1', seq: 1, powerKw: 1 });
        expect(await db.get().getRepository(Reading).findOneBy({ deviceId: '温度-1' })).not.toBeNull();
      } finally {
        await db.close();
      }
    });

    it('names the missing database in readiness when the user may not create it', async () => {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${missing}`);
      await mysqlAdmin(`CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY 'no-create-pw'`);
      await mysqlAdmin(`CREATE USER IF NOT EXISTS '${user}'@'localhost' IDENTIFIED BY 'no-create-pw'`);
      const server = new URL(testServices.mysqlUrl);
      const url = `mysql://${user}:no-create-pw@${server.host}/${missing}`;
      const db = new DatabaseConnection(options(url));
      db.start();
      try {
        const state = await eventually(
          () => db.state(),
          (s) => String(s.info?.error ?? '').includes(missing),
        );
        expect(state.up).toBe(false);
        expect(state.info?.error).toContain(`database "${missing}" does not exist (or this user may not use it)`);
      } finally {
        await db.close();
      }
      const refused = new DatabaseConnection({ ...options(mysqlDatabaseUrl(missing)), createDatabase: false });
      refused.start();
      try {
        const state = await eventually(
          () => refused.state(),
          (s) => String(s.info?.error ?? '').includes('DB_CREATE_DATABASES=false'),
        );
        expect(state.info?.error).toContain(`database "${missing}" does not exist`);
      } finally {
        await refused.close();
      }
    });
  });
});
