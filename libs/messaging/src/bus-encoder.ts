import { ClockSkew, TopicEntry, buildTopic, withClockSkew } from '@lib/contracts';
import { DEFAULT_DECODE_OPTIONS, checkBusBody } from './bus-decoder';
import type { MqttConnection } from './mqtt-client';

export type EncodeResult =
  | { ok: true; topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean }
  | { ok: false; detail: string; fields: string[] };

/** A topic level a parameter may fill: not empty, no separator, no wildcard (and no NUL). */
const TOPIC_LEVEL = /^[^/+#]+$/;

/** Raised by publishBusMessage for a body its contract refuses: a bug of the sender, never sent. */
export class BusEncodeError extends Error {
  constructor(
    readonly topicKey: string,
    readonly detail: string,
    readonly fields: string[],
  ) {
    super(`refusing to publish ${topicKey}: ${detail}`);
  }
}

/**
 * The publishing side of decodeBusMessage: the topic for `params` and the JSON body, once the body
 * (as a receiver would parse it) has passed the entry's payload class, strictly, and repeats the
 * topic's echoed parameters. What this accepts, decodeBusMessage accepts. Never throws.
 */
export function encodeBusMessage<T extends object>(
  entry: TopicEntry<T>,
  params: readonly string[],
  body: T,
  skew: ClockSkew = DEFAULT_DECODE_OPTIONS.skew,
): EncodeResult {
  const refuse = (detail: string, fields: string[] = []): EncodeResult => ({ ok: false, detail, fields });
  if (params.length !== entry.params.length)
    return refuse(`topic ${entry.key} takes ${entry.params.length} parameters, got ${params.length}`);
  const bad = params.findIndex((p) => !TOPIC_LEVEL.test(p) || p.includes(String.fromCharCode(0)));
  if (bad >= 0) return refuse(`${entry.params[bad]} is not a topic level`, [entry.params[bad]]);
  let payload: string;
  let plain: Record<string, unknown>;
  try {
    payload = JSON.stringify(body);
    plain = JSON.parse(payload) as Record<string, unknown>;
  } catch (error) {
    return refuse(`not serialisable: ${(error as Error).message}`);
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return refuse('body must be an object');
  try {
    return withClockSkew(skew, () => {
      const checked = checkBusBody(entry, plain);
      if (!checked.ok) return refuse(checked.detail, checked.fields);
      const mismatch = entry.echoedParams.find((name) => plain[name] !== params[entry.params.indexOf(name)]);
      if (mismatch !== undefined) return refuse(`${mismatch} is not the topic's`, [mismatch]);
      return { ok: true, topic: buildTopic(entry, ...params), payload, qos: entry.qos, retain: entry.retain };
    });
  } catch (error) {
    return refuse(`validation failed: ${(error as Error).message}`);
  }
}

/**
 * Publishes `body` on the entry's topic with the entry's QoS and retain flag, after
 * encodeBusMessage; rejects with BusEncodeError for a refused body, or with the client's error.
 * Resolves once the broker has it (QoS ≥ 1).
 */
export function publishBusMessage<T extends object>(
  mqtt: MqttConnection,
  entry: TopicEntry<T>,
  params: readonly string[],
  body: T,
): Promise<void> {
  const encoded = encodeBusMessage(entry, params, body);
  if (!encoded.ok) return Promise.reject(new BusEncodeError(entry.key, encoded.detail, encoded.fields));
  return new Promise((resolve, reject) => {
    mqtt.client.publish(encoded.topic, encoded.payload, { qos: encoded.qos, retain: encoded.retain }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}
