import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { IotMockConfig } from '../iot-mock.config';
import { DEVICE_TOPICS, SERVICE_TOPICS } from '@lib/contracts';
import { MqttConnection } from '@lib/messaging';
import { ReadinessRegistry } from '@lib/observability';
import { IOT_MOCK_CONFIG } from '../iot-mock.tokens';

export type MessageHandler = (topic: string, payload: Buffer) => void;

/**
 * The simulator's one broker connection. Its last will marks the service offline (retained) if
 * the process dies; it subscribes to device commands and acknowledgements at the configured QoS.
 */
@Injectable()
export class IotMqttService implements OnApplicationShutdown {
  private readonly logger = new Logger(IotMqttService.name);
  readonly connection: MqttConnection;
  private readonly handlers: MessageHandler[] = [];
  /** This simulator's name on the bus (IOT_SERVICE_NAME): its presence topic and its devices' `service`. */
  private readonly service: string;

  constructor(@Inject(IOT_MOCK_CONFIG) config: IotMockConfig, readiness: ReadinessRegistry) {
    this.service = config.serviceName;
    this.connection = new MqttConnection(config.mqtt, 'iot-mock', {
      will: {
        topic: SERVICE_TOPICS.status(this.service),
        payload: JSON.stringify({ service: this.service, status: 'offline' }),
        retain: true,
      },
    });
    readiness.register('mqtt', () => this.connection.state());
    const client = this.connection.client;
    client.on('connect', () => {
      void this.onConnect(config.mqtt.qos);
    });
    client.on('message', (topic, payload) => {
      for (const handler of this.handlers) handler(topic, payload);
    });
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  onMessage(handler: MessageHandler): void {
    this.handlers.push(handler);
  }

  /** Runs on every (re)connection to the broker. */
  whenConnected(handler: () => void): void {
    this.connection.client.on('connect', handler);
  }

  publish(topic: string, payload: unknown, retain = false): Promise<void> {
    return this.connection.publishJson(topic, payload, { retain });
  }

  /** Removes a retained message (a deleted device's status). */
  clearRetained(topic: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.connection.client.publish(topic, '', { retain: true, qos: 1 }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) {
      // Say goodbye if the broker confirms quickly; a broker that went away must not hold shutdown.
      const goodbye = this.publish(
        SERVICE_TOPICS.status(this.service),
        { service: this.service, status: 'offline' },
        true,
      );
      await Promise.race([goodbye.catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    await this.connection.close();
  }

  private async onConnect(qos: 0 | 1 | 2): Promise<void> {
    try {
      await this.connection.client.subscribeAsync([DEVICE_TOPICS.allCommands, DEVICE_TOPICS.allCommandAcks], { qos });
      await this.publish(SERVICE_TOPICS.status(this.service), { service: this.service, status: 'online' }, true);
    } catch (error) {
      this.logger.warn(`subscription failed: ${(error as Error).message}`);
    }
  }
}
