import { DOCUMENTED_PLANT_TOKEN } from '@lib/config';
import { configErrorMessage as messageOf } from '@lib/testing';
import { loadPlantSimulatorConfig } from './plant-simulator.config';

describe('plant-simulator configuration', () => {
  it('takes the document defaults on a bare environment', () => {
    const config = loadPlantSimulatorConfig([], {});
    expect(config.http.port).toBe(8090);
    expect(config.intervalMs).toBe(10_000);
    expect(config.plants).toEqual([{ id: 'complexo-paranhos', genMinMw: 0.1, genMaxMw: 0.5, stepMw: 0.01 }]);
    expect(config.token).toBe(DOCUMENTED_PLANT_TOKEN);
    expect(config.mqtt).toBeNull();
  });

  it('honours PORT', () => {
    expect(loadPlantSimulatorConfig([], { PORT: '18090' }).http.port).toBe(18090);
  });

  it("reads document 000's command line as written, over the environment", () => {
    const argv = [
      '--gen-min',
      '0.2',
      '--gen-max',
      '0.6',
      '--step',
      '0.02',
      '--interval',
      '5',
      '--port',
      '9999',
      '--token',
      'T'.repeat(20),
      '--debug',
    ];
    const config = loadPlantSimulatorConfig(argv, { PORT: '1234', GEN_MIN_MW: '0.05' });
    expect(config.plants[0]).toMatchObject({ genMinMw: 0.2, genMaxMw: 0.6, stepMw: 0.02 });
    expect(config).toMatchObject({
      intervalMs: 5000,
      http: { port: 9999 },
      token: 'T'.repeat(20),
      log: { level: 'debug' },
    });
  });

  it.each([
    [['--gen-min', 'abc'], {}, 'GEN_MIN_MW'],
    [['--gen-min', '0.6', '--gen-max', '0.5'], {}, 'GEN_MAX_MW'],
    [['--step=-1'], {}, 'STEP_MW'],
    [['--interval', '0'], {}, 'INTERVAL_S'],
    [[], { PORT: '70000' }, 'PORT'],
    [[], { MQTT_URL: 'localhost:1883' }, 'MQTT_URL'],
    [['--frobnicate'], {}, "Unknown option '--frobnicate'"],
    [[], { PLANTS: '[{"id": "a"}, {"id": "a"}]' }, 'appears twice'],
    [[], { PLANTS: '[{"id": "b", "gen_min_mw": 3, "gen_max_mw": 1}]' }, 'PLANTS[0]'],
    [[], { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('stops on %p %p naming %s', (argv, env, name) => {
    expect(messageOf(() => loadPlantSimulatorConfig(argv, env))).toContain(name);
  });

  it('refuses the documented token in production and accepts a real one', () => {
    expect(messageOf(() => loadPlantSimulatorConfig([], { NODE_ENV: 'production' }))).toContain('PLANT_TOKEN');
    const config = loadPlantSimulatorConfig([], {
      NODE_ENV: 'production',
      PLANT_TOKEN: 'a-real-secret-of-32-characters!!',
      JWT_SECRET_KEY: 'the-sites-own-shared-jwt-key-0123',
    });
    expect(config.isProduction).toBe(true);
  });

  it('reads several plants from a comma list', () => {
    const config = loadPlantSimulatorConfig([], { PLANTS: 'a, b' });
    expect(config.plants.map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('takes the user and password of the broker from MQTT_URL', () => {
    const config = loadPlantSimulatorConfig([], { MQTT_URL: 'mqtt://iot_user:s%40cret@broker:1883' });
    expect(config.mqtt).toMatchObject({ username: 'iot_user', password: 's@cret', qos: 1 });
  });
});
