import { solarhubForThisFile } from '../test-app';

describe('solarhub-api system', () => {
  const app = solarhubForThisFile();

  it('totals the site from the latest telemetry of every unit', async () => {
    const res = await app().get<{ bess: { unit_count: number; capacity_kwh: number; soc_pct: number } }>(
      '/api/v1/system/overview',
    );
    expect(res.body.bess.unit_count).toBe(2);
    expect(res.body.bess.capacity_kwh).toBeGreaterThan(0);
    expect(res.body.bess.soc_pct).toBeGreaterThanOrEqual(0);
    expect(res.body.bess.soc_pct).toBeLessThanOrEqual(100);
  });

  it('names each dependency and its state, never a host or a port', async () => {
    const res = await app().get<{ nodes: { id: string }[] }>('/api/v1/system/topology');
    expect(res.body.nodes.map((n) => n.id)).toEqual(['main_server', 'main_mysql']);
    expect(JSON.stringify(res.body)).not.toMatch(/memory|127\.0\.0\.1|:\d{4}/);
  });
});
