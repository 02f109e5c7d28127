import { configErrorMessage as messageOf } from '@lib/testing';
import { loadSolarhubConfig } from './solarhub-api.config';

describe('loadSolarhubConfig', () => {
  it('defaults to port 8000 and honours PORT', () => {
    expect(loadSolarhubConfig({}).http.port).toBe(8000);
    expect(loadSolarhubConfig({ PORT: '18000' }).http.port).toBe(18000);
  });

  it('defaults to one SQLite database for every domain and no Redis', () => {
    const c = loadSolarhubConfig({});
    expect(new Set(Object.values(c.databases))).toEqual(new Set(['sqlite:data/solarhub-api.sqlite']));
    expect(c.redis).toEqual({ main: null, gtr: null });
    expect(c.jwt).toMatchObject({ refreshTtlS: 7 * 86_400 });
    expect(c.auth).toMatchObject({ algorithm: 'HS256', accessTtlS: 1800, disabled: false, publicReads: true });
    expect(c.units).toMatchObject({ bess: 2, pcs: 2, racks: 12, inverters: 2 });
  });

  it("builds the document's MySQL and Redis settings into URLs, one database per DB_NAME_*", () => {
    const c = loadSolarhubConfig({
      DB_HOST: 'db.local',
      DB_USER: 'solar',
      DB_PASSWORD: 'p@ss',
      DB_NAME_ESS: 'ess',
      DB_NAME_METER: 'Meter',
      DB_NAME_BESS3: 'BESS3',
      REDIS_HOST: 'cache',
      REDIS_PASSWORD: 'pw',
      REDIS_HOST_GTR: '192.168.10.46',
    });
    expect(c.databases.ess).toBe('mysql://solar:p%40ss@db.local:3306/ess');
    expect(c.databases.schedule).toBe(c.databases.ess);
    expect(c.databases.meter).toBe('mysql://solar:p%40ss@db.local:3306/Meter');
    expect(c.databases.bess3).toBe('mysql://solar:p%40ss@db.local:3306/BESS3');
    expect(c.databases.bess1).toBe(c.databases.ess);
    expect(c.redis).toEqual({ main: 'redis://:pw@cache:6379', gtr: 'redis://192.168.10.46:6379' });
  });

  it('refuses per-domain databases on SQLite and bad unit counts, naming the variable', () => {
    expect(() => loadSolarhubConfig({ DB_NAME_PCS: 'PCS' })).toThrow(/DB_NAME_\*/);
    expect(() => loadSolarhubConfig({ BESS_NUMBER: '13' })).toThrow(/BESS_NUMBER/);
    expect(() => loadSolarhubConfig({ DB_NAME_BESS2: 'bad name;' })).toThrow(/DB_NAME_BESS2/);
  });

  it('refuses the default JWT secret and admin password in production', () => {
    expect(() => loadSolarhubConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET_KEY[\s\S]*ADMIN_PASSWORD/);
    expect(() =>
      loadSolarhubConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 'a-long-production-secret', ADMIN_PASSWORD: 'x' }),
    ).not.toThrow();
    expect(() => loadSolarhubConfig({ JWT_SECRET_KEY: 'short' })).toThrow(/JWT_SECRET_KEY/);
  });

  it('needs its private key file for ES256 in production, and names every problem at once', () => {
    const message = messageOf(() =>
      loadSolarhubConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'ES256', ADMIN_PASSWORD: 'secret' }),
    );
    expect(message).toContain('JWT_PRIVATE_KEY_FILE');
    expect(message).toContain('ADMIN_PASSWORD');
  });

  it('keeps the reads a document leaves open unless AUTH_PUBLIC_READS=false', () => {
    expect(loadSolarhubConfig({}).auth.publicReads).toBe(true);
    expect(loadSolarhubConfig({ AUTH_PUBLIC_READS: 'false' }).auth.publicReads).toBe(false);
  });
});
