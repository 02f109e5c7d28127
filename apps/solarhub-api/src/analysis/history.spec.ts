import { DataSource } from 'typeorm';
import { SiteClock } from '@lib/config';
import { bucketStats, counterDeltas } from './history';

/**
 * The local-day buckets on SQLite (the embedded default; MariaDB is covered by the integration
 * tests): Europe/Berlin's 29 March 2026 has 23 hours and 25 October 25.
 */
describe('history buckets by local day (SQLite)', () => {
  const berlin = new SiteClock('Europe/Berlin');
  let source: DataSource;

  beforeAll(async () => {
    source = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await source.initialize();
    await source.query('CREATE TABLE r (unit INTEGER, ts BIGINT, kwh DOUBLE)');
    // One reading every 30 minutes from 27 March to 1 April (UTC), the register rising 1 kWh each.
    const from = Date.UTC(2026, 2, 27);
    for (let i = 0, t = from; t < Date.UTC(2026, 3, 1); i++, t += 1_800_000) {
      await source.query('INSERT INTO r VALUES (1, ?, ?)', [t, i]);
    }
  });

  afterAll(() => source.destroy());

  it('counts each local day from local midnight: 46 half hours on the 23-hour day, 48 on the others', async () => {
    const start = berlin.day('2026-03-28')!.start;
    const edges = berlin.dayEdges(start, 3);
    const energy = await counterDeltas(source, { table: 'r', unitColumn: 'unit', units: [1], edges, counter: 'kwh' });
    expect([...energy.keys()]).toEqual(edges.slice(0, -1));
    expect(edges.slice(0, -1).map((d) => [berlin.date(d), energy.get(d)])).toEqual([
      ['2026-03-28', 48],
      ['2026-03-29', 46],
      ['2026-03-30', 48],
    ]);
  });

  it('splits the 23-hour day into its 23 hours, each starting on a real hour after local midnight', async () => {
    const hours = berlin.hourEdges(berlin.day('2026-03-29')!.start);
    const stats = await bucketStats(source, { table: 'r', unitColumn: 'unit', units: [1], edges: hours, value: 'kwh' });
    expect(stats.size).toBe(23);
    expect(Math.min(...stats.keys())).toBe(Date.UTC(2026, 2, 28, 23));
  });
});
