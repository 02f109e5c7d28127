export type DatabaseTarget = { type: 'mysql'; url: string } | { type: 'sqlite'; path: string };

/** `mysql://` / `mariadb://` → MySQL through mysql2; `sqlite:<path>` (or `:memory:`) → better-sqlite3. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (/^(mysql|mariadb):\/\//.test(url)) return { type: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (sqlite) return { type: 'sqlite', path: sqlite[1] };
  throw new Error(`DATABASE_URL: unsupported scheme in "${url.replace(/:[^:@/]*@/, ':***@')}"`);
}
