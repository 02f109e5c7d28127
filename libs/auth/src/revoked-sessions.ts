import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { AuthConfig } from '@lib/config';
import { BUS_PATTERNS, RevokedSessionDto, RevokedSessionsDto, TOPIC_REGISTRY } from '@lib/contracts';
import { DEFAULT_DECODE_OPTIONS, MqttConnection, decodeBusMessage } from '@lib/messaging';

/** Sessions whose tokens are refused, each until its tokens would have expired anyway. */
export class RevokedSessions {
  private readonly untilS = new Map<string, number>();

  isRevoked(sessionId: string): boolean {
    const until = this.untilS.get(sessionId);
    if (until === undefined) return false;
    if (until * 1000 > Date.now()) return true;
    this.untilS.delete(sessionId);
    return false;
  }

  revoke(sessionId: string, untilS: number): void {
    this.untilS.set(sessionId, Math.max(untilS, this.untilS.get(sessionId) ?? 0));
  }

  /** Takes a whole published list; a session never leaves it before its tokens expire. */
  merge(sessions: readonly RevokedSessionDto[]): void {
    for (const s of sessions) this.revoke(s.sid, s.until_s);
  }

  /** What is still revoked now. */
  list(): RevokedSessionDto[] {
    const nowS = Date.now() / 1000;
    const out: RevokedSessionDto[] = [];
    for (const [sid, until] of this.untilS) {
      if (until > nowS) out.push({ sid, until_s: until });
      else this.untilS.delete(sid);
    }
    return out;
  }

  get size(): number {
    return this.untilS.size;
  }
}

/**
 * Checks a published list against its registry class (libs/contracts), through the same gate as
 * every bus subscriber; null when it is not one (counted by the caller, never thrown).
 */
export function parseRevokedSessions(raw: string | Buffer): RevokedSessionsDto | null {
  const decoded = decodeBusMessage(TOPIC_REGISTRY.revokedSessions, BUS_PATTERNS.revokedSessions, raw, {
    ...DEFAULT_DECODE_OPTIONS,
    // The whole list travels as one message: up to a million sessions.
    maxBytes: 256 * 1024 * 1024,
  });
  return decoded.ok ? decoded.value : null;
}

const TOPIC = BUS_PATTERNS.revokedSessions;

type Transport =
  { kind: 'redis'; redis: Redis; subscriber: Redis; key: string } | { kind: 'mqtt'; mqtt: MqttConnection };

function connectBus(bus: AuthConfig['bus'], clientId: string): Transport | null {
  if (bus.redisUrl) {
    const options = { maxRetriesPerRequest: 1 } as const;
    const redis = new Redis(bus.redisUrl, options);
    const subscriber = new Redis(bus.redisUrl, options);
    // ioredis reconnects by itself; errors are reported through state(), not thrown at the process.
    redis.on('error', () => undefined);
    subscriber.on('error', () => undefined);
    return { kind: 'redis', redis, subscriber, key: `${bus.redisPrefix}:${TOPIC}` };
  }
  if (bus.mqttUrl) {
    const url = new URL(bus.mqttUrl);
    const mqtt = new MqttConnection(
      {
        url: bus.mqttUrl,
        qos: 1,
        clientId: `${clientId}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
        username: url.username ? decodeURIComponent(url.username) : undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
      },
      'revocations',
    );
    return { kind: 'mqtt', mqtt };
  }
  return null;
}

/**
 * Carries revoked sessions between solarhub-api (which publishes the whole list on every change)
 * and every app (which merges what arrives). Redis when configured (a key for late starters and a
 * channel for news, both `<AUTH_REDIS_PREFIX>:<topic>`), else the MQTT broker (one retained message).
 */
export class RevocationBus {
  private readonly logger = new Logger('revocations');
  private readonly transport: Transport | null;
  invalidMessages = 0;

  constructor(
    bus: AuthConfig['bus'],
    appName: string,
    private readonly sessions: RevokedSessions,
  ) {
    this.transport = connectBus(bus, `${appName}-revocations`);
  }

  get kind(): 'redis' | 'mqtt' | 'none' {
    return this.transport?.kind ?? 'none';
  }

  get connected(): boolean {
    if (!this.transport) return false;
    return this.transport.kind === 'redis'
      ? this.transport.subscriber.status === 'ready'
      : this.transport.mqtt.connected;
  }

  private accept(raw: string | Buffer): void {
    const list = parseRevokedSessions(raw);
    if (!list) {
      this.invalidMessages++;
      this.logger.warn(`ignored a malformed revoked-sessions message (${this.invalidMessages} so far)`);
      return;
    }
    this.sessions.merge(list.sessions);
  }

  /** Follows the published list from now on, starting with what is already there. */
  subscribe(): void {
    const t = this.transport;
    if (!t) return;
    if (t.kind === 'mqtt') {
      t.mqtt.client.on('message', (topic, payload) => {
        if (topic === TOPIC) this.accept(payload);
      });
      t.mqtt.onEveryConnect(() => t.mqtt.client.subscribe(TOPIC, { qos: 1 }));
      return;
    }
    t.subscriber.on('message', (_channel: string, message: string) => this.accept(message));
    const catchUp = (): void => {
      t.redis.get(t.key).then(
        (snapshot) => snapshot && this.accept(snapshot),
        () => undefined,
      );
    };
    t.subscriber.on('ready', catchUp);
    void t.subscriber.subscribe(t.key).catch(() => undefined);
  }

  /** Publishes the whole list (solarhub-api only). */
  async publish(): Promise<void> {
    const t = this.transport;
    if (!t) return;
    const sessions = this.sessions.list();
    const message: RevokedSessionsDto = { sessions, published_at: new Date().toISOString() };
    const json = JSON.stringify(message);
    if (t.kind === 'mqtt') {
      await t.mqtt.publishJson(TOPIC, message, { retain: true, qos: 1 });
      return;
    }
    const longestS = sessions.reduce((max, s) => Math.max(max, s.until_s), 0) - Math.floor(Date.now() / 1000);
    await t.redis.set(t.key, json, 'EX', Math.max(60, longestS));
    await t.redis.publish(t.key, json);
  }

  async close(): Promise<void> {
    const t = this.transport;
    if (!t) return;
    if (t.kind === 'mqtt') return t.mqtt.close();
    t.subscriber.disconnect();
    await t.redis.quit().catch(() => t.redis.disconnect());
  }
}
