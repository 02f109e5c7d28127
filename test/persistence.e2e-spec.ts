import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseConnection, parseDatabaseUrl } from '@lib/persistence';
import { Column, Entity, MigrationInterface, PrimaryColumn, QueryRunner, Table } from 'typeorm';
import { testServices } from './services';
import { eventually } from './support/http';
import { TcpProxy } from './support/tcp-proxy';

const TABLE = `e2e_reading_${process.pid}`;

@Entity({ name: TABLE })
class Reading {
  @PrimaryColumn({ type: 'varchar', length: 64 }) deviceId!: string;
  @PrimaryColumn({ type: 'int' }) seq!: number;
  @Column({ type: 'double' }) powerKw!: number;
}

class CreateReading1700000000000 implements MigrationInterface {
  name = 'CreateReading1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: TABLE,
        columns: [
          { name: 'deviceId', type: 'varchar', length: '64', isPrimary: true },
          { name: 'seq', type: 'int', isPrimary: true },
          { name: 'powerKw', type: 'double' },
        ],
      }),
      true,
    );
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable(TABLE, true);
  }
}

const options = (url: string) => ({
  url,
  appName: `e2e-${process.pid}`,
  entities: [Reading],
  migrations: [CreateReading1700000000000],
  retryDelayMs: 200,
});

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

  it('runs migrations and stores rows idempotently on the real MariaDB', async () => {
    const db = new DatabaseConnection(options(testServices.mysqlUrl));
    db.start();
    await db.whenReady();
    try {
      expect(await roundTrip(db)).toEqual([
        { deviceId: 'd1', seq: 1, powerKw: 3.5 },
        { deviceId: 'd1', seq: 2, powerKw: 4 },
      ]);
      expect((await db.state()).up).toBe(true);
    } finally {
      await db.get().query(`DROP TABLE IF EXISTS ${TABLE}`);
      await db.get().query(`DROP TABLE IF EXISTS e2e_${process.pid}_migrations`);
      await db.close();
    }
  });

  it('runs the same migrations on an embedded SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-'));
    const db = new DatabaseConnection(options(`sqlite:${join(dir, 'nested', 'app.sqlite')}`));
    db.start();
    await db.whenReady();
    try {
      expect(await roundTrip(db)).toHaveLength(2);
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
      if (db.connected) {
        await db.get().query(`DROP TABLE IF EXISTS ${TABLE}`);
        await db.get().query(`DROP TABLE IF EXISTS e2e_${process.pid}_migrations`);
      }
      await db.close();
      await proxy.stop();
    }
  });
});
