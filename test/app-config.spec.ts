import { APP_NAMES, ConfigError } from '@lib/config';
import { configErrorMessage as messageOf } from '@lib/testing';
import { loadConsoleConfig } from '../apps/console/src/console.config';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import { APP_CONFIG_LOADERS } from './support/app-config-loaders';

/** What every app's loader (apps/<app>/src/<app>.config.ts) does with the settings they share. */
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

  it.each(APP_NAMES)('%s: names a bad shared setting (PORT, LOG_LEVEL)', (app) => {
    const load = APP_CONFIG_LOADERS[app];
    expect(messageOf(() => load({ PORT: '70000' }))).toContain('PORT');
    expect(messageOf(() => load({ LOG_LEVEL: 'loud' }))).toContain('LOG_LEVEL');
  });
});

describe('SITE_TIMEZONE', () => {
  it('defaults to UTC in every app but the console, which takes the host zone', () => {
    expect(loadSolarhubConfig({}).timezone).toBe('UTC');
    expect(loadGridpilotConfig({}).timezone).toBe('UTC');
    expect(loadIotMockConfig({}).ev.drivers.timeZone).toBe('UTC');
    expect(loadConsoleConfig({}).timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('is read by every app the same way', () => {
    const env = { SITE_TIMEZONE: 'Asia/Tokyo' };
    expect(loadSolarhubConfig(env).timezone).toBe('Asia/Tokyo');
    expect(loadGridpilotConfig(env).timezone).toBe('Asia/Tokyo');
    expect(loadIotMockConfig(env).ev.drivers.timeZone).toBe('Asia/Tokyo');
    expect(loadConsoleConfig(env).timezone).toBe('Asia/Tokyo');
  });

  it.each([loadSolarhubConfig, loadGridpilotConfig, loadIotMockConfig, loadConsoleConfig])(
    'an invalid zone stops %p with a message naming the variable',
    (load) => {
      expect(() => load({ SITE_TIMEZONE: 'Mars/Olympus' })).toThrow(ConfigError);
      expect(() => load({ SITE_TIMEZONE: 'Mars/Olympus' })).toThrow(/SITE_TIMEZONE/);
    },
  );
});
