import {
  APP_CONFIG_LOADERS,
  APP_NAMES,
  ConfigError,
  DEFAULT_FLEXIBLE_LOADS,
  DEFAULT_JWKS_URL,
  DOCUMENTED_PLANT_TOKEN,
  loadGridpilotConfig,
  loadBasicAppConfig,
  loadOcppCsmsConfig,
  loadPlantSimulatorConfig,
  loadSolarhubConfig,
} from './index';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('plant-simulator configuration', () => {
  it('takes the document defaults on a bare environment', () => {
    const config = loadPlantSimulatorConfig([], {});
    expect(config.http.port).toBe(8090);
    expect(config.intervalMs).toBe(10_000);
    expect(config.plants).toEqual([{ id: 'complexo-paranhos', genMinMw: 0.1, genMaxMw: 0.5, stepMw: 0.01 }]);
    expect(config.token).toBe(DOCUMENTED_PLANT_TOKEN);
    expect(config.mqtt).toBeNull();
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

describe('basic app configuration', () => {
  it.each([
    ['solarhub-api', 8000],
    ['gridpilot-optimizer', 8001],
    ['ocpp-csms', 8002],
    ['iot-mock', 8091],
  ] as const)('%s defaults to port %d and honours PORT', (app, port) => {
    expect(loadBasicAppConfig(app, {}).http.port).toBe(port);
    expect(loadBasicAppConfig(app, { PORT: '18000' }).http.port).toBe(18000);
  });
});

describe('loadSolarhubConfig', () => {
  it('defaults to one SQLite database for every domain and no Redis', () => {
    const c = loadSolarhubConfig({});
    expect(new Set(Object.values(c.databases))).toEqual(new Set(['sqlite:data/solarhub-api.sqlite']));
    expect(c.redis).toEqual({ main: null, gtr: null });
    expect(c.jwt).toMatchObject({ refreshTtlS: 7 * 86_400 });
    expect(c.auth).toMatchObject({ algorithm: 'HS256', accessTtlS: 1800, disabled: false, publicReads: true });
    expect(c.units).toMatchObject({ bess: 2, pcs: 2, racks: 12, inverters: 2 });
  });

  it("builds the document's MySQL and Redis settings into URLs, one database per DB_NAME_*", () => {
    const c = loadSolarhubConfig({
      DB_HOST: 'db.local',
      DB_USER: 'solar',
      DB_PASSWORD: 'p@ss',
      DB_NAME_ESS: 'ess',
      DB_NAME_METER: 'Meter',
      DB_NAME_BESS3: 'BESS3',
      REDIS_HOST: 'cache',
      REDIS_PASSWORD: 'pw',
      REDIS_HOST_GTR: '192.168.10.46',
    });
    expect(c.databases.ess).toBe('mysql://solar:p%40ss@db.local:3306/ess');
    expect(c.databases.schedule).toBe(c.databases.ess);
    expect(c.databases.meter).toBe('mysql://solar:p%40ss@db.local:3306/Meter');
    expect(c.databases.bess3).toBe('mysql://solar:p%40ss@db.local:3306/BESS3');
    expect(c.databases.bess1).toBe(c.databases.ess);
    expect(c.redis).toEqual({ main: 'redis://:pw@cache:6379', gtr: 'redis://192.168.10.46:6379' });
  });

  it('refuses per-domain databases on SQLite and bad unit counts, naming the variable', () => {
    expect(() => loadSolarhubConfig({ DB_NAME_PCS: 'PCS' })).toThrow(/DB_NAME_\*/);
    expect(() => loadSolarhubConfig({ BESS_NUMBER: '13' })).toThrow(/BESS_NUMBER/);
    expect(() => loadSolarhubConfig({ DB_NAME_BESS2: 'bad name;' })).toThrow(/DB_NAME_BESS2/);
  });

  it('refuses the default JWT secret and admin password in production', () => {
    expect(() => loadSolarhubConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET_KEY[\s\S]*ADMIN_PASSWORD/);
    expect(() =>
      loadSolarhubConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 'a-long-production-secret', ADMIN_PASSWORD: 'x' }),
    ).not.toThrow();
    expect(() => loadSolarhubConfig({ JWT_SECRET_KEY: 'short' })).toThrow(/JWT_SECRET_KEY/);
  });
});

/** The message of the ConfigError gridpilot-optimizer's loader throws for `env`. */
const message = (env: Record<string, string>): string => messageOf(() => loadGridpilotConfig(env));

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

describe('site access settings (every app)', () => {
  // The apps' own secrets set, so that only the site's key is left at its default.
  const ownSecrets = {
    NODE_ENV: 'production',
    PLANT_TOKEN: 'a-real-secret-of-32-characters!!',
    MQTT_URL: 'mqtt://broker:1883',
    ADMIN_PASSWORD: 'a-real-admin-password',
  };
  const production = { ...ownSecrets, JWT_SECRET_KEY: 'the-sites-own-shared-jwt-key-0123' };

  it.each(APP_NAMES)('%s: refuses the development JWT key and AUTH_DISABLED in production', (app) => {
    const load = APP_CONFIG_LOADERS[app];
    expect(messageOf(() => load(ownSecrets))).toContain('JWT_SECRET_KEY');
    expect(load(production).auth.secret).toBe(production.JWT_SECRET_KEY);
    expect(messageOf(() => load({ ...production, AUTH_DISABLED: 'true' }))).toContain('AUTH_DISABLED');
    expect(load({ NODE_ENV: 'development', AUTH_DISABLED: 'true' }).auth.disabled).toBe(true);
  });

  it('checks ES256 tokens with the JWKS of solarhub-api, and needs no shared key then', () => {
    const auth = loadOcppCsmsConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'ES256' }).auth;
    expect(auth).toMatchObject({ algorithm: 'ES256', secret: null, jwksUrl: DEFAULT_JWKS_URL });
    const moved = loadOcppCsmsConfig({ JWT_ALGORITHM: 'ES256', JWKS_URL: 'https://id.site/.well-known/jwks.json' });
    expect(moved.auth.jwksUrl).toBe('https://id.site/.well-known/jwks.json');
    expect(messageOf(() => loadOcppCsmsConfig({ JWT_ALGORITHM: 'RS256' }))).toContain('JWT_ALGORITHM');
  });

  it('solarhub-api needs its private key file for ES256 in production, and names every problem at once', () => {
    const message = messageOf(() =>
      loadSolarhubConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'ES256', ADMIN_PASSWORD: 'secret' }),
    );
    expect(message).toContain('JWT_PRIVATE_KEY_FILE');
    expect(message).toContain('ADMIN_PASSWORD');
  });

  it('keeps the reads a document leaves open unless AUTH_PUBLIC_READS=false', () => {
    expect(loadSolarhubConfig({}).auth.publicReads).toBe(true);
    expect(loadSolarhubConfig({ AUTH_PUBLIC_READS: 'false' }).auth.publicReads).toBe(false);
  });
});

describe('loadOcppCsmsConfig: field settings', () => {
  it('is strict and cautious by default', () => {
    const c = loadOcppCsmsConfig({});
    expect(c.ocpp).toMatchObject({ lenientFields: false, lenientModels: [], availableGraceS: 60 });
    expect(c.site).toEqual({
      callTimeoutMs: 5_000,
      answerWithinMs: 800,
      debounceMs: 250,
      reviewIntervalMs: 5_000,
      safetyMarginPct: 10,
      stepW: 500,
      idleAfterS: 300,
      idleShare: 'min',
      retryAfterS: 300,
      leaderLeaseMs: 5_000,
      leaderRenewMs: 1_500,
      sendAttempts: 3,
      sendBackoffMs: 250,
    });
  });

  it('lets known models in by name, and names a bad value', () => {
    expect(loadOcppCsmsConfig({ OCPP_LENIENT_MODELS: 'Quirky-1, Old-2' }).ocpp.lenientModels).toEqual([
      'Quirky-1',
      'Old-2',
    ]);
    expect(messageOf(() => loadOcppCsmsConfig({ SITE_IDLE_SHARE: 'some' }))).toContain('SITE_IDLE_SHARE');
    expect(messageOf(() => loadOcppCsmsConfig({ SITE_SAFETY_MARGIN_PCT: '-5' }))).toContain('SITE_SAFETY_MARGIN_PCT');
  });
});
