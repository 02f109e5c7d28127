import { DEVICE_TOPICS } from '@lib/contracts';

type Json = Record<string, unknown>;

/** What a device answers to a command: the ack (an object, or raw text), or null for silence. */
export type FakeAnswer = (command: Json, deviceId: string) => Json | string | null;

/**
 * For unit tests: the MQTT side of a SiteLink, which hands each published command to `answer` and
 * delivers what it returns on the device's ack topic, as iot-mock would over the broker.
 */
export function fakeBroker(answer: FakeAnswer) {
  const handlers: ((topic: string, payload: Buffer) => void)[] = [];
  const sent: { topic: string; command: Json }[] = [];
  const mqtt = {
    connected: true,
    client: {
      on: (_event: string, handler: (topic: string, payload: Buffer) => void) => handlers.push(handler),
      subscribe: () => undefined,
    },
    onEveryConnect: (action: () => void) => action(),
    publishJson: (topic: string, command: Json): Promise<void> => {
      sent.push({ topic, command });
      const deviceId = topic.split('/')[2];
      const ack = answer(command, deviceId);
      if (ack !== null) {
        const payload = Buffer.from(typeof ack === 'string' ? ack : JSON.stringify(ack));
        setImmediate(() => handlers.forEach((h) => h(DEVICE_TOPICS.commandAck(deviceId), payload)));
      }
      return Promise.resolve();
    },
  };
  return { mqtt, sent };
}
