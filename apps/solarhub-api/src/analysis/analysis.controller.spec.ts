import { solarhubForThisFile } from '../test-app';

describe('solarhub-api analysis', () => {
  const app = solarhubForThisFile(2);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  it('never shows more energy out of the batteries than went in', async () => {
    const res = await app().get<{ daily_data: { charge_energy: number; loss: number; efficiency: number }[] }>(
      `/api/v1/analysis/power-loss?start_time=${yesterday}%2000:00:00&days=1`,
    );
    const [day] = res.body.daily_data;
    expect(day.charge_energy).toBeGreaterThan(0);
    expect(day.loss).toBeGreaterThan(0);
    expect(day.efficiency).toBeLessThanOrEqual(100);
  });

  it('splits a day into 24 hours of charge and discharge', async () => {
    const res = await app().get<{ data: unknown[] }>(`/api/v1/analysis/power-io?select_time=${yesterday}`);
    expect(res.body.data).toHaveLength(24);
  });
});
