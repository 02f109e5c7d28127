import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MqttClient, connectAsync } from 'mqtt';
import { loadIotMockConfig } from '../src/iot-mock.config';
import { DEVICE_TOPICS, DeviceCommandAck, TOPIC_REGISTRY } from '@lib/contracts';
import { testServices } from '../../../test/services';
import { badAcks, badCommands, publishAndCount } from '../../../test/support/bus-corpus';
import { eventually, http, listenOnFreePort, postJson } from '../../../test/support/http';
import { createIotMockApp } from '../src/app.factory';

const SERVER = `iotfuzz${process.pid}-server-1`;

describe('iot-mock under malformed bus messages (fuzz)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let mqtt: MqttClient;
  const acks: DeviceCommandAck[] = [];
  const metrics = async (): Promise<string> => (await http<string>(`${url}/metrics`)).body;

  beforeAll(async () => {
    app = await createIotMockApp(
      loadIotMockConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MQTT_URL: testServices.mqttUrl,
        DATABASE_URL: 'sqlite::memory:',
        DEFAULT_DEVICES: 'false',
        SIMULATION_INTERVAL: '1',
      }),
    );
    url = await listenOnFreePort(app);
    const created = await postJson(`${url}/api/v1/devices`, {
      device_id: SERVER,
      device_type: 'server',
      name: SERVER,
      base_power: 100,
    });
    expect(created.status).toBe(201);
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      20_000,
    );
    mqtt = await connectAsync(testServices.mqttUrl, { clientId: `iot-fuzz-${process.pid}` });
    mqtt.on('message', (topic, payload) => {
      // The ack corpus below is published on the same topic; only iot-mock's answers are JSON acks.
      if (topic !== DEVICE_TOPICS.commandAck(SERVER)) return;
      try {
        acks.push(JSON.parse(payload.toString()) as DeviceCommandAck);
      } catch {
        // one of our own malformed acknowledgements
      }
    });
    await mqtt.subscribeAsync(DEVICE_TOPICS.commandAck(SERVER), { qos: 1 });
  }, 60_000);

  afterAll(async () => {
    await mqtt?.endAsync();
    await app?.close();
  });

  it('answers every bad command with an error ack, obeys none, counts them all', async () => {
    const corpus = badCommands(SERVER);
    const counted = publishAndCount(mqtt, corpus, TOPIC_REGISTRY.deviceCommands.pattern, metrics);
    const refused = await eventually(
      () => Promise.resolve(acks.filter((a) => !a.success)),
      (a) => a.length >= corpus.length,
      20_000,
    );
    expect(refused).toHaveLength(corpus.length);
    expect(acks.every((a) => !a.success && typeof a.error === 'string')).toBe(true);
    expect(await counted).toBe(corpus.length);
    const device = await http<{ power_setpoint: number | null; enabled: boolean }>(`${url}/api/v1/devices/${SERVER}`);
    expect(device.status).toBe(200);
    expect(device.body).toMatchObject({ power_setpoint: null, enabled: true });
  }, 60_000);

  it('refuses malformed acknowledgements and counts them', async () => {
    const corpus = badAcks(SERVER, 'fuzz-command');
    const counted = await publishAndCount(mqtt, corpus, TOPIC_REGISTRY.deviceCommandAcks.pattern, metrics);
    expect(counted).toBeGreaterThanOrEqual(corpus.length);
    expect((await http(`${url}/health/live`)).status).toBe(200);
  });

  it('still obeys a valid command', async () => {
    const res = await postJson<DeviceCommandAck>(`${url}/api/v1/devices/${SERVER}/command`, {
      command: 'set_power',
      parameters: { power: 42 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true });
    const device = await http<{ power_setpoint: number | null }>(`${url}/api/v1/devices/${SERVER}`);
    expect(device.body.power_setpoint).toBe(42);
  });
});
