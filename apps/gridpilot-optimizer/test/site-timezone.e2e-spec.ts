import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadGridpilotConfig } from '../src/gridpilot-optimizer.config';
import { eventually, http, listenOnFreePort } from '../../../test/support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from '../../../test/support/infra';
import { createGridpilotApp } from '../src/app.factory';

/**
 * Prices by the site's local day (SITE_TIMEZONE) on MariaDB: a day on which DST ends has 25 hourly
 * entries (Europe/Berlin, 25 October 2026), one on which it starts 23 (Australia/Sydney,
 * 4 October 2026), an ordinary day 24.
 */
interface DailyPrices {
  date: string;
  timezone: string;
  start: string;
  end: string;
  hours: number;
  data: { hour: number; timestamp: string; local_time: string; energy_price: number | null; samples: number }[];
}

const sites: { zone: string; db: string; app?: NestFastifyApplication; url?: string }[] = [
  { zone: 'Europe/Berlin', db: `gridpilot_tz_berlin_${process.pid}` },
  { zone: 'Australia/Sydney', db: `gridpilot_tz_sydney_${process.pid}` },
];

describe('gridpilot-optimizer: prices by local day', () => {
  beforeAll(async () => {
    for (const site of sites) {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${site.db}`);
      site.app = await createGridpilotApp(
        loadGridpilotConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: mysqlDatabaseUrl(site.db),
          SITE_TIMEZONE: site.zone,
          CONTROL_LOOP: 'false',
          // Hourly simulated prices back past early October (the backfill is deterministic in time).
          PRICE_INTERVAL_MIN: '60',
          PRICE_BACKFILL_DAYS: '90',
        }),
      );
      site.url = await listenOnFreePort(site.app);
      const url = site.url;
      await eventually(
        () => http<{ total_records: number }>(`${url}/api/v1/data/prices?hours_back=2160`),
        (r) => r.status === 200 && JSON.stringify(r.body).includes('"total_records"'),
        60_000,
      );
    }
  }, 180_000);

  afterAll(async () => {
    for (const site of sites) {
      await site.app?.close();
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${site.db}`);
    }
  });

  const daily = async (site: (typeof sites)[number], date: string) => {
    const r = await eventually(
      () => http<DailyPrices>(`${site.url}/api/v1/data/prices/daily?date=${date}`),
      (x) => x.status === 200 && x.body.data.every((h) => h.samples > 0),
      30_000,
    );
    expect(r.status).toBe(200);
    return r.body;
  };

  it('the day DST ends in Berlin has 25 hours, 02:00 twice', async () => {
    const day = await daily(sites[0], '2026-10-25');
    expect(day).toMatchObject({ timezone: 'Europe/Berlin', hours: 25, start: '2026-10-24T22:00:00Z' });
    expect(day.data).toHaveLength(25);
    expect(day.data.map((h) => h.local_time.slice(11)).slice(2, 4)).toEqual(['02:00:00+02:00', '02:00:00+01:00']);
    expect(day.data.every((h) => h.energy_price !== null && h.samples === 1)).toBe(true);
  });

  it('the day DST starts in Sydney has 23 hours, no 02:00', async () => {
    const day = await daily(sites[1], '2026-10-04');
    expect(day).toMatchObject({ timezone: 'Australia/Sydney', hours: 23, start: '2026-10-03T14:00:00Z' });
    expect(day.data).toHaveLength(23);
    expect(day.data.some((h) => h.local_time.slice(11, 13) === '02')).toBe(false);
  });

  it('an ordinary day has 24 hours from local midnight, and an impossible date is a 422 naming the field', async () => {
    const day = await daily(sites[0], '2026-10-20');
    expect(day).toMatchObject({ hours: 24, start: '2026-10-19T22:00:00Z', end: '2026-10-20T22:00:00Z' });
    const bad = await http<{ detail: { loc: string[] }[] }>(`${sites[0].url}/api/v1/data/prices/daily?date=2026-02-31`);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['query', 'date']);
  });
});
