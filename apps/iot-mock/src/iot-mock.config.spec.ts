import { configErrorMessage as messageOf } from '@lib/testing';
import { loadIotMockConfig } from './iot-mock.config';

describe('loadIotMockConfig', () => {
  it("has document 002's defaults: port 8091, its broker and user, readings every 5 s", () => {
    const c = loadIotMockConfig({});
    expect(c.http.port).toBe(8091);
    expect(c.mqtt).toMatchObject({ url: 'mqtt://localhost:1883', username: 'iot_user', password: 'iot123' });
    expect(c.simulation).toMatchObject({ intervalMs: 5000, variation: 0.1, autostart: true, defaultDevices: true });
    expect(c.databaseUrl).toBe('sqlite:data/iot-mock.sqlite');
    expect(c.ev).toMatchObject({ csmsUrl: 'ws://127.0.0.1:9000', meterIntervalMs: 10_000 });
    expect(c.ev.drivers).toMatchObject({ devices: ['charger-*'], demo: true, seed: 1 });
  });

  it('honours PORT, and MQTT_URL over the broker host and port', () => {
    expect(loadIotMockConfig({ PORT: '18091' }).http.port).toBe(18091);
    const c = loadIotMockConfig({ MQTT_URL: 'mqtt://iot-mock:pw@broker:1884', MQTT_BROKER_HOST: 'elsewhere' });
    expect(c.mqtt).toMatchObject({ url: 'mqtt://iot-mock:pw@broker:1884', username: 'iot-mock', password: 'pw' });
  });

  it('stops on a bad value naming the variable', () => {
    expect(messageOf(() => loadIotMockConfig({ SIMULATION_INTERVAL: '0' }))).toContain('SIMULATION_INTERVAL');
    expect(messageOf(() => loadIotMockConfig({ CSMS_OCPP_URL: 'http://csms:9000' }))).toContain('CSMS_OCPP_URL');
    expect(messageOf(() => loadIotMockConfig({ EV_DRIVERS: 'a b' }))).toContain('EV_DRIVERS');
  });

  it("refuses document 002's broker password in production, unless MQTT_URL names the broker", () => {
    const jwt = { JWT_SECRET_KEY: 'the-sites-own-shared-jwt-key-0123' };
    expect(messageOf(() => loadIotMockConfig({ NODE_ENV: 'production', ...jwt }))).toContain('MQTT_PASSWORD');
    expect(loadIotMockConfig({ NODE_ENV: 'production', ...jwt, MQTT_PASSWORD: 'a-real-password' }).isProduction).toBe(
      true,
    );
    expect(
      loadIotMockConfig({ NODE_ENV: 'production', ...jwt, MQTT_URL: 'mqtt://iot-mock:pw@broker:1883' }).isProduction,
    ).toBe(true);
  });
});
