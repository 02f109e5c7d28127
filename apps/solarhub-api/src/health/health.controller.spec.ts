import { solarhubForThisFile } from '../test-app';

describe('solarhub-api health', () => {
  const app = solarhubForThisFile(0);

  it('says what is not configured rather than calling it down', async () => {
    const res = await app().get('/health/detailed');
    expect(res.body).toMatchObject({
      status: 'healthy',
      infrastructure: {
        databases: { status: 'healthy' },
        redis: { status: 'not_configured', connections: {} },
        broker: { status: 'not_configured' },
      },
      message: 'All systems operational',
    });
  });
});
