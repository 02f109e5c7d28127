import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConsoleConfig } from '../console.config';
import { TOPIC_REGISTRY, TopicEntry } from '@lib/contracts';
import { BusInvalidMessages, DecodeOptions, MqttConnection, decodeBusMessage, decodeOptions } from '@lib/messaging';
import { MetricsService, ReadinessRegistry } from '@lib/observability';
import { CONSOLE_CONFIG } from '../console.tokens';
import { LiveKind, LiveState } from './live-state';

interface Subscription {
  entry: TopicEntry;
  kind: LiveKind;
  /** The item's key from the topic's parameters (and body). */
  key(params: Record<string, string>, body: object): string;
}

const byParam =
  (name: string) =>
  (params: Record<string, string>): string =>
    params[name] ?? '';

/** The bus topics the page shows, each decoded through its registry class. */
const SUBSCRIPTIONS: Subscription[] = [
  { entry: TOPIC_REGISTRY.plantReading, kind: 'plant', key: byParam('plant_id') },
  { entry: TOPIC_REGISTRY.deviceData, kind: 'device', key: byParam('device_id') },
  { entry: TOPIC_REGISTRY.deviceStatus, kind: 'device_status', key: byParam('device_id') },
  { entry: TOPIC_REGISTRY.serviceStatus, kind: 'service_status', key: byParam('service') },
  { entry: TOPIC_REGISTRY.siteChargingLimit, kind: 'site_limit', key: () => 'site' },
  { entry: TOPIC_REGISTRY.deviceCommands, kind: 'dispatch', key: byParam('device_id') },
  { entry: TOPIC_REGISTRY.deviceCommandAcks, kind: 'dispatch_ack', key: byParam('device_id') },
  { entry: TOPIC_REGISTRY.stationStatus, kind: 'station_status', key: byParam('station_id') },
  {
    entry: TOPIC_REGISTRY.stationMeter,
    kind: 'station_meter',
    key: (params, body) => `${params.station_id}/${(body as { connector_id: number }).connector_id}`,
  },
];

/**
 * The console's one broker connection: every topic the page shows, validated against the topic
 * registry, kept as the latest value per item in a LiveState the WebSocket gateway fans out.
 * An invalid message is counted and dropped, never forwarded to a browser.
 */
@Injectable()
export class LiveBusService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('console:bus');
  readonly state = new LiveState();
  private connection: MqttConnection | null = null;
  private readonly invalid: BusInvalidMessages;
  private readonly decode: DecodeOptions;
  private readonly received;

  constructor(
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
    metrics: MetricsService,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.invalid = new BusInvalidMessages(metrics, 'console');
    this.decode = decodeOptions(config.mqtt?.validation);
    this.received = metrics.counter('console_bus_messages_total', 'Bus messages the console received, by kind', [
      'kind',
    ]);
  }

  get enabled(): boolean {
    return this.config.mqtt !== null;
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  onModuleInit(): void {
    if (!this.config.mqtt) {
      this.logger.warn('MQTT_URL is not set: the console shows what the apps answer over HTTP, without live updates');
      return;
    }
    const connection = new MqttConnection(this.config.mqtt, 'console');
    this.connection = connection;
    this.readiness.register('mqtt', () => connection.state());
    connection.onEveryConnect(() => {
      connection.client.subscribe(
        SUBSCRIPTIONS.map((s) => s.entry.pattern),
        { qos: 0 },
        (error) => {
          if (error) this.logger.warn(`subscribe failed: ${error.message}`);
        },
      );
    });
    connection.client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  onMessage(topic: string, payload: Buffer): void {
    for (const sub of SUBSCRIPTIONS) {
      const decoded = decodeBusMessage(sub.entry, topic, payload, this.decode);
      if (!decoded.ok && decoded.reason === 'wrong_topic') continue;
      if (!decoded.ok) {
        this.invalid.record(sub.entry, topic, decoded.reason, decoded.detail);
        return;
      }
      this.received.inc({ kind: sub.kind });
      this.state.set(sub.kind, sub.key(decoded.topicParams, decoded.value), decoded.value);
      return;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close(500);
  }
}
