import { configErrorMessage as messageOf } from '@lib/testing';
import { loadConsoleConfig } from './console.config';

describe('loadConsoleConfig', () => {
  it('defaults to port 3000 and every app on this machine at its default port', () => {
    const c = loadConsoleConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.plantId).toBe('complexo-paranhos');
    expect(Object.fromEntries(c.upstreams.map((u) => [u.name, u.url]))).toEqual({
      solarhub: 'http://127.0.0.1:8000',
      gridpilot: 'http://127.0.0.1:8001',
      csms: 'http://127.0.0.1:8002',
      iot: 'http://127.0.0.1:8091',
      plant: 'http://127.0.0.1:8090',
    });
    expect(c).toMatchObject({ liveFlushMs: 500, healthIntervalMs: 5000, proxyTimeoutMs: 30_000, webDir: null });
  });

  it('takes the apps from their URLs and honours PORT', () => {
    const c = loadConsoleConfig({ PORT: '13000', GRIDPILOT_URL: 'http://gridpilot-optimizer:8001/' });
    expect(c.http.port).toBe(13000);
    expect(c.upstreams.find((u) => u.name === 'gridpilot')).toEqual({
      name: 'gridpilot',
      app: 'gridpilot-optimizer',
      url: 'http://gridpilot-optimizer:8001',
    });
  });

  it('stops on a bad value naming the variable', () => {
    expect(messageOf(() => loadConsoleConfig({ CSMS_URL: 'ocpp-csms:8002' }))).toContain('CSMS_URL');
    expect(messageOf(() => loadConsoleConfig({ PLANT_ID: 'no spaces allowed' }))).toContain('PLANT_ID');
    expect(messageOf(() => loadConsoleConfig({ CONSOLE_LIVE_FLUSH_MS: '10' }))).toContain('CONSOLE_LIVE_FLUSH_MS');
  });

  it('refuses the development JWT key in production', () => {
    expect(messageOf(() => loadConsoleConfig({ NODE_ENV: 'production' }))).toContain('JWT_SECRET_KEY');
  });
});
