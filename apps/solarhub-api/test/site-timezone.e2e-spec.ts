import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnection } from 'mysql2/promise';
import { loadSolarhubConfig } from '../src/solarhub-api.config';
import { eventually, http, listenOnFreePort, postJson } from '../../../test/support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from '../../../test/support/infra';
import { createSolarhubApp } from '../src/app.factory';

/**
 * SITE_TIMEZONE: the same stored history read by a site in UTC and one in Asia/Tokyo (UTC+9). A
 * discharge at 23:30 UTC on 1 March is 08:30 on 2 March in Tokyo: it counts for 1 March in UTC and
 * for 2 March in Tokyo, in the daily analysis and in the income.
 */
const DB = `solarhub_tz_${process.pid}`;
const at = (iso: string): number => Date.parse(iso);

interface DayRow {
  date: string;
  discharge_energy: number;
}
interface HourRow {
  hour: number;
  time: string;
  exec_rate: number;
  delivered_mwh: number;
}
interface DailyIncome {
  date: string;
  hourly_data: HourRow[];
  total_income: number;
}
interface MonthlyIncome {
  daily_data: { date: string; total_income: number }[];
}

async function startApp(timezone: string): Promise<{ app: NestFastifyApplication; url: string }> {
  const config = loadSolarhubConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: mysqlDatabaseUrl(DB),
    SITE_TIMEZONE: timezone,
    BESS_NUMBER: '1',
  });
  const app = await createSolarhubApp(config);
  const url = await listenOnFreePort(app);
  await eventually(
    () => http(`${url}/health/ready`),
    (r) => r.status === 200,
    20_000,
  );
  return { app, url };
}

describe('solarhub-api: local days in the site time zone', () => {
  let utc: { app: NestFastifyApplication; url: string };
  let tokyo: { app: NestFastifyApplication; url: string };

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    // One after the other: the first creates the database and migrates it.
    utc = await startApp('UTC');
    tokyo = await startApp('Asia/Tokyo');
    const c = await createConnection({ uri: mysqlDatabaseUrl(DB) });
    try {
      // BESS 1's discharge register: 100 kWh all day, 150 kWh from 23:30 UTC.
      const readings: [string, number][] = [
        ['2026-03-01T12:00:00Z', 100],
        ['2026-03-01T14:30:00Z', 100],
        ['2026-03-01T23:00:00Z', 100],
        ['2026-03-01T23:30:00Z', 150],
        ['2026-03-02T12:00:00Z', 150],
      ];
      for (const [i, [time, kwh]] of readings.entries()) {
        await c.query(
          `INSERT INTO sh_bess_readings (bess_number, device_id, seq, ts, mode, soc_pct, power_kw, capacity_kwh,
             charge_energy_kwh, discharge_energy_kwh) VALUES (1, 'bess-1', ?, ?, 'idle', 50, 0, 500, 0, ?)`,
          [i + 1, at(time), kwh],
        );
      }
    } finally {
      await c.end();
    }
    // An award of 0.05 MW for the hour 23:00-24:00 UTC on 1 March: the 50 kWh delivered fulfil it.
    const award = await postJson(`${utc.url}/api/v1/schedule`, {
      mode: 'dreg',
      time_start: '2026-03-01T23:00:00Z',
      time_end: '2026-03-02T00:00:00Z',
      is_get: true,
      quote_capacity: 1,
      power: 0.05,
      price: 100,
      quote_price: 200,
      title: 'late award',
    });
    expect(award.status).toBe(201);
  }, 90_000);

  afterAll(async () => {
    await tokyo?.app.close();
    await utc?.app.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  const powerLoss = async (url: string): Promise<Record<string, number>> => {
    const r = await http<{ daily_data: DayRow[] }>(
      `${url}/api/v1/analysis/power-loss?start_time=2026-03-01%2000:00:00&days=2`,
    );
    expect(r.status).toBe(200);
    return Object.fromEntries(r.body.daily_data.map((d) => [d.date, d.discharge_energy]));
  };

  it('daily analysis: the 23:30 UTC discharge is on 1 March in UTC and on 2 March in Tokyo', async () => {
    expect(await powerLoss(utc.url)).toEqual({ '2026-03-01': 50, '2026-03-02': 0 });
    expect(await powerLoss(tokyo.url)).toEqual({ '2026-03-01': 0, '2026-03-02': 50 });
  });

  it('power per hour of the local day: hour 23 in UTC, hour 8 in Tokyo', async () => {
    const hours = async (url: string, day: string) =>
      (
        await http<{ data: { time: string; discharge_energy: number }[] }>(
          `${url}/api/v1/analysis/power-io?select_time=${day}&data_type=daily`,
        )
      ).body.data;
    const inUtc = await hours(utc.url, '2026-03-01');
    const inTokyo = await hours(tokyo.url, '2026-03-02');
    expect(inUtc.findIndex((h) => h.discharge_energy === 50)).toBe(23);
    expect(inTokyo.findIndex((h) => h.discharge_energy === 50)).toBe(8);
    // Times stay UTC instants: Tokyo's day starts at 15:00 UTC the day before.
    expect(inTokyo[0].time).toBe('2026-03-01T15:00:00');
    expect(inTokyo[8].time).toBe('2026-03-01T23:00:00');
  });

  it('daily income: the award earns on 1 March in UTC and on 2 March in Tokyo', async () => {
    const income = async (url: string, day: string) =>
      (await http<DailyIncome>(`${url}/api/v1/schedule/income/daily?start_time=${day}%2000:00:00`)).body;
    const utcDay = await income(utc.url, '2026-03-01');
    expect(utcDay.date).toBe('2026-03-01');
    expect(utcDay.total_income).toBeGreaterThan(0);
    expect(utcDay.hourly_data[23]).toMatchObject({ hour: 23, time: '2026-03-01T23:00:00', exec_rate: 1 });
    expect((await income(utc.url, '2026-03-02')).total_income).toBe(0);

    const tokyoDay = await income(tokyo.url, '2026-03-02');
    expect(tokyoDay.date).toBe('2026-03-02');
    expect(tokyoDay.total_income).toBe(utcDay.total_income);
    expect(tokyoDay.hourly_data[8]).toMatchObject({ hour: 8, time: '2026-03-01T23:00:00', exec_rate: 1 });
    expect((await income(tokyo.url, '2026-03-01')).total_income).toBe(0);
  });

  it('monthly income: the day that earned is the local one', async () => {
    const earning = async (url: string) =>
      (await http<MonthlyIncome>(`${url}/api/v1/schedule/income/monthly?start_time=2026-03`)).body.daily_data
        .filter((d) => d.total_income > 0)
        .map((d) => d.date);
    expect(await earning(utc.url)).toEqual(['2026-03-01']);
    expect(await earning(tokyo.url)).toEqual(['2026-03-02']);
  });
});
