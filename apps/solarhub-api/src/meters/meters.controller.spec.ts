import { solarhubForThisFile } from '../test-app';

describe('solarhub-api meters', () => {
  const app = solarhubForThisFile();

  it('lists every meter with its phases, and their total power', async () => {
    const res = await app().get<{ meters: { meter_id: number; active_power: number }[]; total_power: number }>(
      '/api/v1/meters',
    );
    expect(res.body.meters.map((m) => m.meter_id)).toEqual([1, 2]);
    const sum = res.body.meters.reduce((s, m) => s + m.active_power, 0);
    expect(res.body.total_power).toBeCloseTo(sum, 2);
  });

  it("summarises the auxiliary meter's day: average within minimum and maximum", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const res = await app().get<{ data: { avg_power: number; min_power: number; max_power: number } }>(
      `/api/v1/meters/aux?time=${today}&data_type=summary`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data.avg_power).toBeGreaterThanOrEqual(res.body.data.min_power);
    expect(res.body.data.avg_power).toBeLessThanOrEqual(res.body.data.max_power);
  });
});
