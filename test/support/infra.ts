import { AddressInfo, createServer } from 'node:net';
import { createConnection } from 'mysql2/promise';
import { testServices } from '../services';

const mysql = new URL(testServices.mysqlUrl);

/** Runs one statement as the test server's admin (databases are created and dropped per suite). */
export async function mysqlAdmin(sql: string): Promise<void> {
  const c = await createConnection({
    host: mysql.hostname,
    port: Number(mysql.port || 3306),
    user: mysql.username,
    password: mysql.password,
  });
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The rows of one query in one database of the test server, to check what an app stored. */
export async function mysqlRows<T>(db: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = await createConnection({
    host: mysql.hostname,
    port: Number(mysql.port || 3306),
    user: mysql.username,
    password: mysql.password,
    database: db,
  });
  try {
    const [rows] = await c.query(sql, params);
    return rows as T[];
  } finally {
    await c.end();
  }
}

/** A DATABASE_URL for a database on the test server. */
export const mysqlDatabaseUrl = (db: string): string =>
  `mysql://${mysql.username}:${mysql.password}@${mysql.host}/${db}`;

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let ingestReplicas = 0;

/**
 * solarhub-api's broker session for a test: its own client id and shared-subscription group, and
 * a short expiry. The machine's Mosquitto outlives the tests, and a left-over persistent session
 * in a shared group would take its share of every later run's telemetry.
 */
export function ingestEnv(group?: string): Record<string, string> {
  ingestReplicas += 1;
  return {
    INGEST_CLIENT_ID: `solarhub-e2e-${process.pid}-${ingestReplicas}`,
    // A group of its own too: an earlier test's session (same process, same pid) stays a member of
    // its group until it expires and would take its share of this test's messages.
    INGEST_SHARED_GROUP: group ?? `e2e-${process.pid}-${ingestReplicas}`,
    INGEST_SESSION_EXPIRY_S: '30',
  };
}
