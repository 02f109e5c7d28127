import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DoneCallback, IPublishPacket, MqttClient, connect, connectAsync } from 'mqtt';
import { deferAcks, pubackLater } from '@lib/messaging';
import { eventually } from '../../../test/support/http';
import { OwnMosquitto } from '../../../test/support/mosquitto';

/**
 * The acknowledgement ingestion relies on (libs/messaging/src/deferred-ack.ts), against a real
 * Mosquitto and the installed mqtt.js: ingestion reads on with messages unacknowledged and
 * acknowledges each once its rows are stored, and the broker sends again exactly those it has no
 * PUBACK for. mqtt.js has no public API for this, so this test pins the internals used: an mqtt.js
 * upgrade that changes them fails here. It also shows why the public handleMessage is not enough:
 * holding its callback holds every later message.
 */
describe('ingestion acknowledgements: PUBACK once stored, reading on meanwhile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sh-ack-'));
  const topic = `ack-test/${process.pid}`;
  let broker: OwnMosquitto;
  let publisher: MqttClient;
  const clients: MqttClient[] = [];

  /** A persistent MQTT 5 session like ingestion's, with a window of 100 unacknowledged messages. */
  const session = async (
    clientId: string,
    setup: (client: MqttClient) => void,
  ): Promise<{ client: MqttClient; received: { body: string; ack?: () => void; dup: boolean }[] }> => {
    const received: { body: string; ack?: () => void; dup: boolean }[] = [];
    const client = connect(broker.url, {
      clientId,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 300, receiveMaximum: 100 },
      reconnectPeriod: 0,
    });
    clients.push(client);
    // Before the connection is up: the broker sends the session's unacknowledged messages at once.
    setup(client);
    client.on('message', (_t, payload, packet: IPublishPacket) =>
      received.push({ body: payload.toString(), ack: pubackLater(client, packet), dup: packet.dup }),
    );
    await new Promise((resolve) => client.once('connect', resolve));
    return { client, received };
  };

  const publish = async (from: number, to: number): Promise<void> => {
    for (let i = from; i <= to; i++) await publisher.publishAsync(topic, String(i), { qos: 1 });
  };
  const bodies = (list: { body: string }[]): number[] => list.map((m) => Number(m.body)).sort((a, b) => a - b);
  const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 500));

  beforeAll(async () => {
    broker = await OwnMosquitto.start(dir, { persistence: false });
    publisher = await connectAsync(broker.url, { clientId: `ack-pub-${process.pid}` });
  });

  afterAll(async () => {
    for (const c of clients) await c.endAsync(true);
    await publisher?.endAsync(true);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("mqtt.js's public handleMessage lets one message through at a time: holding it holds the rest", async () => {
    const held: DoneCallback[] = [];
    const { client, received } = await session(`ack-public-${process.pid}`, (c) => {
      c.handleMessage = (_packet, done) => held.push(done);
    });
    await client.subscribeAsync(`${topic}/public`, { qos: 1 });
    for (let i = 1; i <= 10; i++) await publisher.publishAsync(`${topic}/public`, String(i), { qos: 1 });
    await eventually(
      () => Promise.resolve(received.length),
      (n) => n >= 1,
    );
    await settle();
    // Nine more are in the broker's window, yet none is read while the first is held: holding the
    // callback until a message's rows are stored would store one message per database write.
    expect(bodies(received)).toEqual([1]);
    held.shift()?.();
    await eventually(
      () => Promise.resolve(received.length),
      (n) => n >= 2,
    );
    await settle();
    expect(bodies(received)).toEqual([1, 2]);
    while (held.length > 0) held.shift()?.();
  });

  it('reads on without acknowledging; the broker sends again exactly the unacknowledged', async () => {
    const id = `ack-deferred-${process.pid}`;
    const first = await session(id, (c) => deferAcks(c));
    await first.client.subscribeAsync(topic, { qos: 1 });
    await publish(1, 20);
    // All twenty are read with no PUBACK sent: a window of them can go into one batch.
    await eventually(
      () => Promise.resolve(first.received.length),
      (n) => n >= 20,
    );
    expect(bodies(first.received)).toEqual(range(1, 20));
    // The first five are stored: acknowledged (twice: the second does nothing).
    for (const m of first.received.filter((r) => Number(r.body) <= 5)) {
      m.ack?.();
      m.ack?.();
    }
    await first.client.endAsync();

    const second = await session(id, (c) => deferAcks(c));
    await eventually(
      () => Promise.resolve(second.received.length),
      (n) => n >= 15,
    );
    await settle();
    expect(bodies(second.received)).toEqual(range(6, 20));
    expect(second.received.every((m) => m.dup)).toBe(true);
    // A PUBACK of the old connection is not sent on the new one (the id may be another message's).
    for (const m of first.received) m.ack?.();
    for (const m of second.received) m.ack?.();
    await second.client.endAsync();

    const third = await session(id, (c) => deferAcks(c));
    await publish(21, 21);
    await eventually(
      () => Promise.resolve(third.received.length),
      (n) => n >= 1,
    );
    await settle();
    // Everything acknowledged stays acknowledged; the session is alive and delivers the new one.
    expect(bodies(third.received)).toEqual([21]);
  });

  it('holds reading while ingestion waits for its backlog, and reads on when it resolves', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let waiting = true;
    const { client, received } = await session(`ack-gate-${process.pid}`, (c) =>
      deferAcks(c, () => (waiting ? gate : null)),
    );
    await client.subscribeAsync(`${topic}/gate`, { qos: 1 });
    for (let i = 1; i <= 5; i++) await publisher.publishAsync(`${topic}/gate`, String(i), { qos: 1 });
    await eventually(
      () => Promise.resolve(received.length),
      (n) => n >= 1,
    );
    await settle();
    expect(bodies(received)).toEqual([1]);
    waiting = false;
    release();
    await eventually(
      () => Promise.resolve(received.length),
      (n) => n >= 5,
    );
    expect(bodies(received)).toEqual(range(1, 5));
  });
});
