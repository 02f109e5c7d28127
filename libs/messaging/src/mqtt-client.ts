import { Logger } from '@nestjs/common';
import type { MqttConfig, Qos } from '@lib/config';
import { IClientPublishOptions, MqttClient, connect } from 'mqtt';
import type { DependencyState } from '@lib/observability';

/**
 * One mqtt.js connection with its state for readiness. mqtt.js reconnects by itself; while the
 * broker is away, QoS 1 messages wait in its outgoing store and are sent on reconnect.
 */
export class MqttConnection {
  readonly client: MqttClient;
  private readonly logger: Logger;
  private lastError: string | null = null;

  constructor(
    readonly config: MqttConfig,
    name: string,
    options: {
      will?: { topic: string; payload: string; retain: boolean };
      /** false: a persistent session (the broker keeps subscriptions and queues QoS 1 while away). */
      clean?: boolean;
      /** With a persistent session: how long the broker keeps it after a disconnect (MQTT 5); 0: MQTT 3.1.1, forever. */
      sessionExpiryS?: number;
      /** MQTT 5: how many QoS 1 messages the broker may send before they are acknowledged. */
      receiveMaximum?: number;
    } = {},
  ) {
    this.logger = new Logger(`${name}:mqtt`);
    this.client = connect(config.url, {
      clientId: config.clientId,
      username: config.username,
      password: config.password,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      clean: options.clean ?? true,
      ...(options.sessionExpiryS
        ? {
            protocolVersion: 5,
            properties: { sessionExpiryInterval: options.sessionExpiryS, receiveMaximum: options.receiveMaximum },
          }
        : {}),
      will: options.will ? { ...options.will, qos: config.qos } : undefined,
    });
    this.client.on('connect', () => {
      this.lastError = null;
      this.logger.log(`connected to ${redactUrl(config.url)}`);
    });
    this.client.on('offline', () => this.logger.warn(`broker ${redactUrl(config.url)} unreachable; reconnecting`));
    this.client.on('error', (error) => {
      this.lastError = error.message;
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  state(): DependencyState {
    return {
      up: this.client.connected,
      info: { url: redactUrl(this.config.url), ...(this.lastError ? { error: this.lastError } : {}) },
    };
  }

  /**
   * Runs `action` now when connected, and again on every (re)connection: with a clean session,
   * subscriptions do not survive a reconnect, and one registered after the first connect would
   * otherwise never run.
   */
  onEveryConnect(action: () => void): void {
    if (this.client.connected) action();
    this.client.on('connect', action);
  }

  /** Publishes JSON at the configured QoS; resolves when the broker has it (QoS ≥ 1). */
  publishJson(topic: string, payload: unknown, options: Partial<IClientPublishOptions> = {}): Promise<void> {
    const qos: Qos = options.qos ?? this.config.qos;
    return new Promise((resolve, reject) => {
      this.client.publish(topic, JSON.stringify(payload), { ...options, qos }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  /**
   * Flushes what is in flight when the broker is there (for at most `flushTimeoutMs`), then
   * disconnects. Without a broker there is nothing to flush, and waiting would hang shutdown.
   */
  async close(flushTimeoutMs = 3000): Promise<void> {
    if (!this.client.connected) {
      await this.client.endAsync(true);
      return;
    }
    const forced = setTimeout(() => this.client.end(true), flushTimeoutMs);
    await this.client.endAsync();
    clearTimeout(forced);
  }
}

/** The URL with its password hidden, for logs and health output. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}
