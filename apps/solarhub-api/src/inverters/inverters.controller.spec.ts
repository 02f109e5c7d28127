import { InMemoryApp, inMemorySolarhub } from '../test-app';

describe('solarhub-api inverters', () => {
  it('shows totals, trackers, strings and phases, and a 404 before an inverter ever reported', async () => {
    const empty = await inMemorySolarhub(0);
    try {
      const none = await empty.get('/api/v1/inverter?inverter_number=1');
      expect(none.status).toBe(404);
    } finally {
      await empty.close();
    }
    const app: InMemoryApp = await inMemorySolarhub();
    try {
      const res = await app.get<{ inverter_data: Record<string, number>; mppt_data: unknown[]; phase_data: unknown[] }>(
        '/api/v1/inverter?inverter_number=1',
      );
      expect(res.status).toBe(200);
      expect(res.body.inverter_data.total_power_yields).toBeGreaterThan(0);
      expect(res.body.mppt_data.length).toBeGreaterThan(0);
      expect(res.body.phase_data).toHaveLength(3);
    } finally {
      await app.close();
    }
  });
});
