import { DatabaseConnection, DatabaseOptions, mysqlDatabaseName } from './database';
import { parseDatabaseUrl } from './database-url';

/** Where a database is, for messages: no credentials. */
export function databaseLabel(url: string): string {
  const target = parseDatabaseUrl(url);
  if (target.type === 'sqlite') return `sqlite:${target.path}`;
  const u = new URL(target.url);
  return `mysql://${u.hostname}:${u.port || 3306}/${mysqlDatabaseName(target.url)}`;
}

export interface MigrateResult {
  database: string;
  applied: string[];
}

/**
 * `main.js migrate`: each database of the app is created when missing (if DB_CREATE_DATABASES
 * allows) and migrated, one after the other; the first failure stops with a message naming the
 * app and the database. For a release job (k8s/migrate-job.yaml), before servers that run with
 * DB_MIGRATE=false.
 */
export async function runMigrateCommand(appName: string, databases: DatabaseOptions[]): Promise<MigrateResult[]> {
  const results: MigrateResult[] = [];
  for (const options of databases) {
    const database = databaseLabel(options.url);
    try {
      const applied = await new DatabaseConnection(options).migrateOnce();
      results.push({ database, applied });
    } catch (error) {
      throw new MigrateError(`${appName} migrate: ${database}: ${(error as Error).message}`);
    }
  }
  return results;
}

/** A failed migration, reported by its message alone (runMain prints it and exits 1). */
export class MigrateError extends Error {
  override name = 'MigrateError';
}
