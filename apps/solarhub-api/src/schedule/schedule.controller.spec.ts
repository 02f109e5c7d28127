import { solarhubForThisFile } from '../test-app';

describe('solarhub-api schedule', () => {
  const app = solarhubForThisFile(2);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  it("lists this week's awards and earns income from the delivered energy", async () => {
    const events = await app().get<{ events: unknown[]; total_count: number }>('/api/v1/schedule?weeks=2');
    expect(events.body.total_count).toBeGreaterThan(0);
    expect(events.body.events).toHaveLength(events.body.total_count);
    const income = await app().get<{ hourly_data: unknown[]; total_income: number }>(
      `/api/v1/schedule/income/daily?start_time=${yesterday}%2000:00:00`,
    );
    expect(income.body.hourly_data).toHaveLength(24);
    expect(income.body.total_income).toBeGreaterThan(0);
  });
});
