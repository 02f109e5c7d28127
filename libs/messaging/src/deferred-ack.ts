import type { IPublishPacket, MqttClient } from 'mqtt';

/*
 * Acknowledging a QoS 1 message once it is handled (stored), while reading on.
 *
 * mqtt.js's public API cannot do both. `client.handleMessage(packet, callback)` ("backpressure
 * support, one at a time") sends the PUBACK when `callback()` runs, and mqtt.js parses the next
 * packet only after that; `customHandleAcks` (MQTT 5) runs before them, and holding its callback
 * holds the same queue. Holding either until the rows are stored lets one message through per
 * database write (the integration test `apps/solarhub-api/test/ingestion-ack.e2e-spec.ts` shows
 * it: one message delivered, the next only once the first is acknowledged), where ingestion needs
 * thousands in flight to write them in multi-row INSERTs.
 *
 * So two internals of mqtt.js 5 are used here, and only here, each pinned by that test so an
 * mqtt.js upgrade that changes them fails it instead of losing or stalling telemetry:
 * - `handleMessage`'s callback given an error: mqtt.js reads on and sends no PUBACK (it passes the
 *   error to its packet queue, which ignores it);
 * - `_sendPacket({cmd: 'puback', …})`: the PUBACK sent later, as mqtt.js sends its own.
 */

/** Given to handleMessage's callback: read on, but send no PUBACK (`pubackLater` sends it). */
const ACK_LATER = new Error('acknowledged once handled');

/** What mqtt.js sends a PUBACK with (not part of its typings). */
interface PacketSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }): void;
}

/**
 * From now on the client sends no PUBACK by itself: each QoS 1 message is acknowledged by calling
 * the function `pubackLater` gave for it. mqtt.js reads the next message once `readOn`'s promise
 * resolves (at once when it returns null): the backpressure the broker sees, on top of its window of
 * unacknowledged messages (MQTT 5 Receive Maximum).
 */
export function deferAcks(client: MqttClient, readOn: () => Promise<void> | null = () => null): void {
  client.handleMessage = (_packet, done) => {
    const next = (): void => done(ACK_LATER);
    const wait = readOn();
    if (wait) void wait.then(next);
    else next();
  };
}

/**
 * The PUBACK of a QoS 1 message (undefined for QoS 0), sent on the connection it came on: after a
 * reconnect the broker sends unacknowledged messages again and those copies are acknowledged
 * instead, since a PUBACK on the new connection could acknowledge another message that reused the
 * id. Calling it twice, or after the connection went, does nothing.
 */
export function pubackLater(client: MqttClient, packet: IPublishPacket): (() => void) | undefined {
  const { messageId } = packet;
  if (packet.qos !== 1 || messageId === undefined) return undefined;
  const stream = client.stream;
  let sent = false;
  return () => {
    if (sent || !client.connected || client.stream !== stream) return;
    sent = true;
    corkUntilNextTick(stream);
    (client as unknown as PacketSender)._sendPacket({ cmd: 'puback', messageId, reasonCode: 0 });
  };
}

const corked = new WeakSet<object>();

/**
 * The PUBACKs of one stored batch (thousands at once) leave in one write instead of one system
 * call each: the connection's stream is corked at the first and uncorked on the next tick.
 */
function corkUntilNextTick(stream: MqttClient['stream']): void {
  if (corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  process.nextTick(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
