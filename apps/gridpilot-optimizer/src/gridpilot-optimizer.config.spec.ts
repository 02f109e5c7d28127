import { ConfigError } from '@lib/config';
import { DEFAULT_FLEXIBLE_LOADS, loadGridpilotConfig } from './gridpilot-optimizer.config';

/** The message of the ConfigError gridpilot-optimizer's loader throws for `env`. */
const message = (env: Record<string, string>): string => {
  try {
    loadGridpilotConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('gridpilot-optimizer configuration', () => {
  it('has document 003 defaults: port 8001, 24 h in 5-minute steps, refresh every 2 min, live every 5 s', () => {
    const c = loadGridpilotConfig({});
    expect(c.http.port).toBe(8001);
    expect(c.horizon).toEqual({ hours: 24, stepMin: 5 });
    expect(c.prices.refreshMs).toBe(120_000);
    expect(c.wsIntervalMs).toBe(5000);
    expect(c.loads).toEqual(DEFAULT_FLEXIBLE_LOADS);
    expect(c.plant.url).toBeNull();
  });

  it('honours PORT', () => {
    expect(loadGridpilotConfig({ PORT: '18001' }).http.port).toBe(18001);
  });

  it('reads the loads and the device map, refusing what does not make sense', () => {
    const c = loadGridpilotConfig({
      FLEXIBLE_LOADS: JSON.stringify([{ name: 'mining', max_kw: 100, blocks: [{ kw: 100, value_per_mwh: 60 }] }]),
      DISPATCH_DEVICES: 'mining:miner-1,cooling:hvac-1',
      PLANT_URL: 'http://plant:8090/',
    });
    expect(c.loads).toEqual([
      {
        name: 'mining',
        minKw: 0,
        maxKw: 100,
        rampKwPerStep: 100,
        blocks: [{ kw: 100, valuePerMwh: 60 }],
        cooled: false,
      },
    ]);
    expect(c.dispatchDevices).toEqual({ mining: 'miner-1', cooling: 'hvac-1' });
    expect(c.plant.url).toBe('http://plant:8090');
    expect(message({ FLEXIBLE_LOADS: '[{' })).toContain('FLEXIBLE_LOADS: is not valid JSON');
    expect(
      message({
        FLEXIBLE_LOADS: '[{"name":"a","max_kw":10,"blocks":[{"kw":5,"value_per_mwh":1},{"kw":5,"value_per_mwh":2}]}]',
      }),
    ).toContain('concave');
    expect(message({ DISPATCH_DEVICES: 'heating:hvac-1' })).toContain('"heating" is not a load');
    expect(message({ EXPORT_MIN_KW: '100', EXPORT_MAX_KW: '50' })).toContain('EXPORT_MAX_KW');
    expect(message({ PRICE_SOURCE: 'http' })).toContain('PRICE_URL');
    expect(message({ STEP_MIN: '7' })).toContain('STEP_MIN');
  });

  it('refuses the documented plant token in production when it steers a plant', () => {
    expect(message({ NODE_ENV: 'production', PLANT_URL: 'http://plant:8090' })).toContain('PLANT_TOKEN');
    expect(
      loadGridpilotConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 'the-sites-own-shared-jwt-key-0123' }).isProduction,
    ).toBe(true);
  });
});
