import { solarhubForThisFile } from '../test-app';

describe('solarhub-api BESS views', () => {
  const app = solarhubForThisFile();

  it("shows a unit's racks as a table: one column per rack, one row per metric", async () => {
    const res = await app().get<{ table_head: string[]; data: Record<string, string>[]; source: string }>(
      '/api/v1/bess/1',
    );
    expect(res.status).toBe(200);
    expect(res.body.table_head).toHaveLength(12);
    expect(res.body.data.map((row) => row.metric)).toEqual([
      'Mode',
      'Voltage (V)',
      'Current (A)',
      'SOC (%)',
      'Temperature (°C)',
      'Alarm',
    ]);
    const soc = res.body.data[3];
    for (const label of res.body.table_head) expect(Number(soc[label])).toBeGreaterThanOrEqual(0);
    expect(res.body.source).toBe('database');
  });

  it("lists a rack's alarms in every unit, and refuses a unit beyond BESS_NUMBER with a 404 naming it", async () => {
    const rack = await app().get<{ battery_alerts: Record<string, string> }>('/api/v1/bess/alert/rack/rack01');
    expect(Object.keys(rack.body.battery_alerts)).toEqual(
      expect.arrayContaining(['battery_1_protection', 'battery_2_warning']),
    );
    const beyond = await app().get<{ detail: string }>('/api/v1/bess/12');
    expect(beyond.status).toBe(404);
    expect(JSON.stringify(beyond.body)).toContain('BESS_NUMBER');
  });
});
