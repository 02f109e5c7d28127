import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { DEVICE_TOPICS, SERVICE_TOPICS, STATION_TOPICS } from '@lib/contracts';
import { IClientOptions, MqttClient, connectAsync } from 'mqtt';
import { BROKER_ACL, SITE_LIMIT, generateBrokerPasswords, renderMosquittoAcl } from '../libs/messaging/src/broker-acl';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { eventually, http, listenOnFreePort } from './support/http';
import { freePort } from './support/infra';

/**
 * A Mosquitto of our own (not the shared test broker), configured as production is: no anonymous
 * clients, the rendered acl_file, a password file made with mosquitto_passwd -b. MQTT 5, so a
 * refused QoS 1 publish comes back as PUBACK reason code 135 (Not authorized).
 */
describe('Mosquitto with the rendered ACL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-acl-'));
  const passwords = generateBrokerPasswords();
  const tag = `acl-e2e-${process.pid}`;
  const clients: MqttClient[] = [];
  let broker: ChildProcess;
  let url: string;
  let log = '';

  const connect = async (options: IClientOptions): Promise<MqttClient> => {
    const client = await connectAsync(url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 3000,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const login = (user: string): Promise<MqttClient> =>
    connect({ username: user, password: passwords[user], clientId: `${tag}-${user}-${clients.length}` });
  const collect = (client: MqttClient): string[] => {
    const received: string[] = [];
    client.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    return received;
  };
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

  beforeAll(async () => {
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, '');
    chmodSync(passwd, 0o600);
    for (const user of Object.keys(BROKER_ACL)) execFileSync('mosquitto_passwd', ['-b', passwd, user, passwords[user]]);
    writeFileSync(join(dir, 'acl'), renderMosquittoAcl());
    const port = await freePort();
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        // Run as root, Mosquitto would switch to its own user, which cannot read this private folder.
        `user ${userInfo().username}`,
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${join(dir, 'acl')}`,
        'log_dest stderr',
        '',
      ].join('\n'),
    );
    broker = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')]);
    broker.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    url = `mqtt://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await login('ops');
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`mosquitto did not start: ${String(error)}\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    broker?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an anonymous client and a wrong password', async () => {
    await expect(connect({ clientId: `${tag}-anon` })).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    await expect(connect({ username: 'iot-mock', password: 'guess', clientId: `${tag}-guess` })).rejects.toThrow(
      /Not authorized|Bad User Name or Password/i,
    );
  });

  it("delivers iot-mock's device data to solarhub-api", async () => {
    const solarhub = await login('solarhub-api');
    const received = collect(solarhub);
    await solarhub.subscribeAsync(DEVICE_TOPICS.allData, { qos: 1 });
    const iot = await login('iot-mock');
    await iot.publishAsync(DEVICE_TOPICS.data(`${tag}-bess`), '{"seq":1}', { qos: 1 });
    const deadline = Date.now() + 3000;
    while (received.length === 0 && Date.now() < deadline) await settle();
    expect(received).toEqual([`${DEVICE_TOPICS.data(`${tag}-bess`)} {"seq":1}`]);
  });

  it("delivers iot-mock's device status and its last will (the process died) to solarhub-api", async () => {
    const solarhub = await login('solarhub-api');
    const received = collect(solarhub);
    await solarhub.subscribeAsync([DEVICE_TOPICS.allStatus, 'energy/services/+/status'], { qos: 1 });
    const will = {
      topic: SERVICE_TOPICS.status('iot-mock'),
      payload: Buffer.from('{"status":"offline"}'),
      qos: 1 as const,
      retain: false,
    };
    const iot = await connect({
      username: 'iot-mock',
      password: passwords['iot-mock'],
      clientId: `${tag}-iot-will`,
      will,
    });
    await iot.publishAsync(DEVICE_TOPICS.status(`${tag}-bess`), '{"status":"online"}', { qos: 1 });
    // Dies: the connection drops without DISCONNECT, so the broker publishes the will.
    iot.end(true);
    const deadline = Date.now() + 5000;
    while (received.length < 2 && Date.now() < deadline) await settle();
    expect(received).toEqual([
      `${DEVICE_TOPICS.status(`${tag}-bess`)} {"status":"online"}`,
      `${SERVICE_TOPICS.status('iot-mock')} {"status":"offline"}`,
    ]);
  });

  it.each([
    ['iot-mock', SITE_LIMIT, 'ocpp-csms', SITE_LIMIT],
    ['console', DEVICE_TOPICS.commands(`${tag}-dev`), 'iot-mock', DEVICE_TOPICS.allCommands],
    ['ocpp-csms', SITE_LIMIT, 'ocpp-csms', SITE_LIMIT],
    ['solarhub-api', DEVICE_TOPICS.data(`${tag}-fake`), 'solarhub-api', DEVICE_TOPICS.allData],
    ['iot-mock', STATION_TOPICS.meter(`${tag}-cp`), 'gridpilot-optimizer', STATION_TOPICS.allMeter],
    ['gridpilot-optimizer', STATION_TOPICS.status(`${tag}-cp`), 'console', STATION_TOPICS.allStatus],
  ])('refuses %s publishing %s: PUBACK 135, never delivered', async (publisher, topic, reader, filter) => {
    const subscriber = await login(reader);
    const received = collect(subscriber);
    await subscriber.subscribeAsync(filter, { qos: 1 });
    const client = await login(publisher);
    const refusal = await client.publishAsync(topic, '{"forged":true}', { qos: 1 }).then(
      () => null,
      (error: Error & { code?: number }) => error.code,
    );
    expect(refusal).toBe(135);
    await settle();
    expect(received).toEqual([]);
  });

  it('lets gridpilot-optimizer set the site limit for ocpp-csms', async () => {
    const csms = await login('ocpp-csms');
    const received = collect(csms);
    await csms.subscribeAsync(SITE_LIMIT, { qos: 1 });
    const gridpilot = await login('gridpilot-optimizer');
    await gridpilot.publishAsync(SITE_LIMIT, `{"limit":7000,"unit":"W","tag":"${tag}"}`, { qos: 1 });
    const deadline = Date.now() + 3000;
    while (received.length === 0 && Date.now() < deadline) await settle();
    expect(received).toEqual([`${SITE_LIMIT} {"limit":7000,"unit":"W","tag":"${tag}"}`]);
  });

  it("delivers ocpp-csms's station meter and status to gridpilot-optimizer and the console", async () => {
    const gridpilot = await login('gridpilot-optimizer');
    const dashboard = await login('console');
    const got = [collect(gridpilot), collect(dashboard)];
    for (const reader of [gridpilot, dashboard])
      await reader.subscribeAsync([STATION_TOPICS.allMeter, STATION_TOPICS.allStatus], { qos: 1 });
    const csms = await login('ocpp-csms');
    await csms.publishAsync(STATION_TOPICS.meter(`${tag}-cp`), '{"power_w":7400}', { qos: 1 });
    await csms.publishAsync(STATION_TOPICS.status(`${tag}-cp`), '{"connected":true}', { qos: 1 });
    const deadline = Date.now() + 3000;
    while (got.some((r) => r.length < 2) && Date.now() < deadline) await settle();
    for (const received of got)
      expect(received).toEqual([
        `${STATION_TOPICS.meter(`${tag}-cp`)} {"power_w":7400}`,
        `${STATION_TOPICS.status(`${tag}-cp`)} {"connected":true}`,
      ]);
  });

  // Mosquitto's acl_file never refuses a SUBSCRIBE (its SUBACK grants it): it filters delivery
  // instead (eclipse-mosquitto/mosquitto#2042). What matters is checked: nothing arrives.
  it.each([
    ['iot-mock', DEVICE_TOPICS.allData, DEVICE_TOPICS.data(`${tag}-leak`)],
    // The console reads what the page shows (commands and the site limit among them), nothing else.
    ['console', '#', `energy/unlisted/${tag}-leak`],
    ['console', 'v1.site.unlisted', 'v1.site.unlisted'],
    ['solarhub-api', DEVICE_TOPICS.allCommands, DEVICE_TOPICS.commands(`${tag}-leak`)],
  ])('delivers nothing to %s subscribed to %s it may not read', async (user, filter, topic) => {
    const client = await login(user);
    const received = collect(client);
    await client.subscribeAsync(filter, { qos: 1 });
    const ops = await login('ops');
    await ops.publishAsync(topic, '{"secret":true}', { qos: 1 });
    await settle();
    expect(received).toEqual([]);
  });

  it('runs ocpp-csms on its own user (credentials in MQTT_URL): it takes the limit gridpilot sends, never one iot-mock forges', async () => {
    const brokerUrl = new URL(url);
    brokerUrl.username = 'ocpp-csms';
    brokerUrl.password = encodeURIComponent(passwords['ocpp-csms']);
    const csms: NestFastifyApplication = await createCsmsApp(
      loadOcppCsmsConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: `sqlite:${join(dir, 'csms.sqlite')}`,
        OCPP_PORT: '0',
        MQTT_URL: brokerUrl.toString(),
      }),
    );
    try {
      const base = await listenOnFreePort(csms);
      await eventually(
        () => http(`${base}/health/ready`),
        (r) => r.status === 200,
        15_000,
      );
      const site = () => http<{ limit_w: number | null }>(`${base}/site/charging_limit`);
      const iot = await login('iot-mock');
      await expect(iot.publishAsync(SITE_LIMIT, '{"limit":1,"unit":"W"}', { qos: 1 })).rejects.toMatchObject({
        code: 135,
      });
      const gridpilot = await login('gridpilot-optimizer');
      await gridpilot.publishAsync(SITE_LIMIT, '{"limit":6500,"unit":"W"}', { qos: 1 });
      const view = await eventually(site, (r) => r.body.limit_w !== null, 5000);
      expect(view.body.limit_w).toBe(6500);
    } finally {
      await csms.close();
    }
  });
});
