import { solarhubForThisFile } from '../test-app';

describe('solarhub-api dashboard config', () => {
  const app = solarhubForThisFile(0, { BESS_NUMBER: '3', PCS_NUMBER: '3', CCTV_URL: 'https://cctv.example.com' });

  it('counts the configured units for the sidebar', async () => {
    const res = await app().get('/api/v1/config/sidebar');
    expect(res.body).toMatchObject({
      bess_number: 3,
      pcs_number: 3,
      number_of_devices: 3 + 3 + 2 + 12,
      cctv_url: 'https://cctv.example.com',
    });
  });

  it('shows no alert in the header before any telemetry', async () => {
    const res = await app().get('/api/v1/config/header');
    expect(res.body).toEqual({
      protection_info: { count: 0, items: [] },
      warning_info: { count: 0, items: [] },
      fault_info: { count: 0, items: [] },
      status: 'success',
    });
  });
});
