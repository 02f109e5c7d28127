import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MqttContext, Payload } from '@nestjs/microservices';
import type { MqttConfig } from '@lib/config';
import { DEVICE_TOPICS } from '@lib/contracts';
import { mqttTransportOptions, redisTransportOptions, reportTransportReadiness } from '@lib/messaging';
import { ReadinessRegistry } from '@lib/observability';
import { connectAsync } from 'mqtt';
import { testServices } from './services';
import { eventually } from './support/http';
import { TcpProxy } from './support/tcp-proxy';

const received: { topic: string; data: unknown }[] = [];

@Controller()
class TelemetryController {
  @EventPattern(DEVICE_TOPICS.allData)
  onData(@Payload() data: unknown, @Ctx() context: unknown): void {
    received.push({ topic: (context as MqttContext).getTopic(), data });
  }
}

@Module({ controllers: [TelemetryController] })
class TelemetryModule {}

const mqttConfig = (url: string): MqttConfig => ({ url, qos: 1, clientId: `e2e-messaging-${process.pid}` });

describe('messaging: raw device JSON over the MQTT transport', () => {
  let server: INestMicroservice;
  const readiness = new ReadinessRegistry();

  beforeAll(async () => {
    server = await NestFactory.createMicroservice(TelemetryModule, {
      ...mqttTransportOptions(mqttConfig(testServices.mqttUrl)),
      logger: false,
    });
    reportTransportReadiness(server, readiness, 'mqtt');
    await server.listen();
  });
  afterAll(() => server.close());

  it('hands the handler the whole payload, `id` and `data` included, and publishes no /reply', async () => {
    const device = `raw-${process.pid}`;
    const client = await connectAsync(testServices.mqttUrl);
    const replies: string[] = [];
    await client.subscribeAsync(`${DEVICE_TOPICS.data(device)}/reply`, { qos: 1 });
    client.on('message', (topic) => replies.push(topic));
    const payload = { id: device, data: { power: 5.2 }, seq: 1, timestamp: '2026-11-23T10:00:00Z' };
    await client.publishAsync(DEVICE_TOPICS.data(device), JSON.stringify(payload), { qos: 1 });
    await client.publishAsync(DEVICE_TOPICS.data(device), 'not json {', { qos: 1 });
    const mine = await eventually(
      () => Promise.resolve(received.filter((r) => r.topic === DEVICE_TOPICS.data(device))),
      (list) => list.length >= 2,
    );
    expect(mine[0].data).toEqual(payload);
    expect(mine[1].data).toEqual({ malformed: true, raw: 'not json {' });
    await new Promise((r) => setTimeout(r, 500));
    expect(replies).toEqual([]);
    await client.endAsync();
    expect((await readiness.states()).mqtt.up).toBe(true);
  });
});

describe('messaging: the Redis transport reconnects and reports it', () => {
  it('goes not-ready when Redis drops and ready again when it returns, without a restart', async () => {
    const redis = new URL(testServices.redisUrl);
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.start();
    const readiness = new ReadinessRegistry();
    const server = await NestFactory.createMicroservice(TelemetryModule, {
      ...redisTransportOptions(`redis://127.0.0.1:${port}`),
      logger: false,
    });
    reportTransportReadiness(server, readiness, 'redis');
    await server.listen();
    try {
      const up = () => readiness.states().then((s) => s.redis.up);
      expect(await eventually(up, (u) => u)).toBe(true);
      await proxy.stop();
      expect(await eventually(up, (u) => !u)).toBe(false);
      await proxy.restart();
      expect(await eventually(up, (u) => u, 20_000)).toBe(true);
    } finally {
      await server.close();
      await proxy.stop();
    }
  });
});
