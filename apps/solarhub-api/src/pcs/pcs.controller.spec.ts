import { solarhubForThisFile } from '../test-app';

describe('solarhub-api PCS views', () => {
  const app = solarhubForThisFile();

  it("shows a unit's mode, powers and DC voltage from its latest reading", async () => {
    const res = await app().get('/api/v1/pcs/1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pcs_number: 1, mode: expect.any(String), dc_voltage: expect.any(Number) });
  });

  it('shows the seven status words as 16 binary digits each', async () => {
    const res = await app().get<Record<string, unknown>>('/api/v1/pcs/alert?pcs_number=2');
    const words = Object.entries(res.body).filter(([key]) => /_status\d?$/.test(key) && key !== 'status');
    expect(words).toHaveLength(7);
    for (const [, word] of words) expect(word).toMatch(/^[01]{16}$/);
  });
});
