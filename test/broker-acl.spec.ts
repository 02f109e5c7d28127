import { readFileSync } from 'node:fs';
import { AddressInfo, Server, createServer } from 'node:net';
import { join } from 'node:path';
import {
  BUS_PATTERNS,
  DEVICE_TOPICS,
  PLANT_TOPICS,
  SERVICE_TOPICS,
  STATION_TOPICS,
  TOPIC_REGISTRY,
  buildTopic,
} from '@lib/contracts';
import { Aedes } from 'aedes';
import { MqttClient, connectAsync } from 'mqtt';
import {
  APP_BROKER_USERS,
  BROKER_ACL,
  SITE_LIMIT,
  aedesAclHandlers,
  generateBrokerPasswords,
  isAllowed,
  patternCovers,
  renderMosquittoAcl,
} from '../libs/messaging/src/broker-acl';

const root = join(__dirname, '..');

describe('the bus ACL (libs/messaging/src/broker-acl.js)', () => {
  it.each(['deploy/mosquitto/acl', 'k8s/mosquitto/acl'])(
    'is what %s holds (run `node scripts/broker-acl.js` after a change)',
    (file) => {
      expect(readFileSync(join(root, file), 'utf8')).toBe(renderMosquittoAcl());
    },
  );

  it('names the topics of the contracts registry', () => {
    expect(SITE_LIMIT).toBe(BUS_PATTERNS.siteChargingLimit);
    expect(BROKER_ACL['iot-mock'].publish).toEqual(
      expect.arrayContaining([DEVICE_TOPICS.allData, DEVICE_TOPICS.allStatus, SERVICE_TOPICS.status('iot-mock')]),
    );
    expect(BROKER_ACL['plant-simulator'].publish).toEqual([PLANT_TOPICS.allReadings(PLANT_TOPICS.defaultPrefix)]);
    expect([...APP_BROKER_USERS].sort()).toEqual(
      ['gridpilot-optimizer', 'iot-mock', 'ocpp-csms', 'plant-simulator', 'solarhub-api'].sort(),
    );
  });

  it.each(Object.entries(TOPIC_REGISTRY))('lets the publishers and subscribers of %s do so', (_name, entry) => {
    const topic = buildTopic(entry, ...entry.params.map(() => 'iot-mock'));
    for (const app of entry.publishers)
      if (BROKER_ACL[app]) expect([app, isAllowed(app, 'publish', topic)]).toEqual([app, true]);
    for (const app of entry.subscribers)
      if (BROKER_ACL[app]) expect([app, isAllowed(app, 'subscribe', entry.pattern)]).toEqual([app, true]);
  });

  it.each([
    ['energy/devices/+/data', 'energy/devices/bess-1/data', true],
    ['energy/devices/+/data', 'energy/devices/+/data', true],
    ['energy/devices/+/data', 'energy/devices/#', false],
    ['energy/devices/+/data', 'energy/devices/a/b/data', false],
    ['energy/devices/+/commands', 'energy/devices/a/commands/ack', false],
    ['#', 'anything/at/all', true],
    ['#', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
  ])('pattern %s covers %s: %s', (pattern, topic, expected) => {
    expect(patternCovers(pattern, topic)).toBe(expected);
  });

  it.each([
    ['iot-mock', 'publish', 'energy/devices/bess-1/data', true],
    ['iot-mock', 'publish', SITE_LIMIT, false],
    ['iot-mock', 'publish', 'energy/services/iot-mock/status', true],
    ['iot-mock', 'publish', 'energy/services/plant-simulator/status', false],
    ['gridpilot-optimizer', 'publish', SITE_LIMIT, true],
    ['gridpilot-optimizer', 'publish', 'energy/devices/bess-1/data', false],
    ['gridpilot-optimizer', 'publish', 'energy/devices/compute-1/commands', true],
    ['ocpp-csms', 'subscribe', SITE_LIMIT, true],
    ['ocpp-csms', 'subscribe', `$share/csms/${SITE_LIMIT}`, true],
    ['ocpp-csms', 'publish', SITE_LIMIT, false],
    ['ocpp-csms', 'publish', STATION_TOPICS.status('cp-1'), true],
    ['ocpp-csms', 'publish', STATION_TOPICS.meter('cp-1'), true],
    ['ocpp-csms', 'publish', 'energy/devices/cp-1/data', false],
    ['gridpilot-optimizer', 'subscribe', STATION_TOPICS.allMeter, true],
    ['gridpilot-optimizer', 'publish', STATION_TOPICS.meter('cp-1'), false],
    ['iot-mock', 'publish', STATION_TOPICS.status('cp-1'), false],
    ['console', 'subscribe', STATION_TOPICS.allStatus, true],
    ['solarhub-api', 'subscribe', 'energy/devices/+/data', true],
    ['solarhub-api', 'subscribe', '#', false],
    ['plant-simulator', 'publish', 'energy/plants/complexo-paranhos/reading', true],
    ['plant-simulator', 'publish', 'energy/devices/x/commands', false],
    ['console', 'subscribe', 'energy/devices/+/data', true],
    ['console', 'publish', 'energy/devices/x/commands', false],
    ['console', 'subscribe', SITE_LIMIT, true],
    ['console', 'publish', SITE_LIMIT, false],
    ['ops', 'publish', 'energy/devices/x/commands', true],
    ['ops', 'publish', 'energy/+/x', false],
    [null, 'subscribe', 'energy/devices/+/data', false],
    ['stranger', 'publish', 'energy/devices/x/data', false],
  ] as const)('%s may %s %s: %s', (user, action, topic, expected) => {
    expect(isAllowed(user, action, topic)).toBe(expected);
  });
});

describe('the embedded broker (aedes) with the ACL handlers of npm start', () => {
  let broker: Aedes;
  let server: Server;
  let url: string;
  const passwords = generateBrokerPasswords();
  const clients: MqttClient[] = [];
  const login = async (user: string): Promise<MqttClient> => {
    const client = await connectAsync(url, { username: user, password: passwords[user], reconnectPeriod: 0 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    broker = await Aedes.createBroker(aedesAclHandlers(passwords));
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/);
    await expect(connectAsync(url, { username: 'iot-mock', password: 'guess', reconnectPeriod: 0 })).rejects.toThrow(
      /Not authorized/,
    );
  });

  it('delivers an allowed publish, drops a forbidden one, refuses a forbidden subscription', async () => {
    const csms = await login('ocpp-csms');
    const received: string[] = [];
    csms.on('message', (_topic, payload) => received.push(payload.toString()));
    const granted = await csms.subscribeAsync(SITE_LIMIT, { qos: 1 });
    expect(granted[0].qos).toBe(1);
    // SUBACK 128 (failure): mqtt.js rejects the subscription.
    await expect(csms.subscribeAsync('energy/devices/+/commands', { qos: 1 })).rejects.toThrow(/Subscribe error/);

    const iot = await login('iot-mock');
    // aedes answers a refused publish by closing the connection (MQTT 3.1.1 has no negative PUBACK).
    iot.publish(SITE_LIMIT, '{"limit":1,"unit":"W"}', { qos: 0 });
    const gridpilot = await login('gridpilot-optimizer');
    await gridpilot.publishAsync(SITE_LIMIT, '{"limit":7000,"unit":"W"}', { qos: 1 });
    const deadline = Date.now() + 3000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual(['{"limit":7000,"unit":"W"}']);
  });
});
