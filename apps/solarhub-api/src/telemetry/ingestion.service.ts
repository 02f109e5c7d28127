import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DEVICE_TOPICS, TOPIC_REGISTRY } from '@lib/contracts';
import type { SolarhubConfig } from '../solarhub-api.config';
import {
  BusInvalidMessages,
  DecodeOptions,
  MqttConnection,
  decodeOptions,
  deferAcks,
  pubackLater,
} from '@lib/messaging';
import type { DependencyState } from '@lib/observability';
import { MetricsService } from '@lib/observability';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { parseTelemetry } from './parse';
import { TelemetryWriter } from './telemetry-writer';

/**
 * Subscribes to the field assets' telemetry (energy/devices/+/data: BESS with its racks, PCS,
 * PV inverters, meters with grid frequency), checks each against its contract class
 * (decodeBusMessage) and hands valid readings to the writer. Refused ones are counted
 * (bus_invalid_messages_total) and logged at most once a minute, never stored half.
 *
 * Nothing is lost when ingestion restarts: a persistent session (a stable client id per replica)
 * at QoS 1, so the broker queues what arrives meanwhile; replicas share the stream through a
 * shared subscription. When the database falls behind, ingestion stops reading (the broker holds
 * the rest, unacknowledged) until the backlog is half written, instead of dropping anything.
 */
@Injectable()
export class IngestionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestionService.name);
  private connection: MqttConnection | null = null;
  private readonly messages;
  private readonly invalid: BusInvalidMessages;
  private readonly decodeOptions: DecodeOptions;

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly writer: TelemetryWriter,
    metrics: MetricsService,
  ) {
    this.messages = metrics.counter('solarhub_telemetry_messages_total', 'Telemetry messages by result', ['result']);
    this.invalid = new BusInvalidMessages(metrics, 'solarhub-api');
    // The parser reads fields only: valid messages skip class-transformer and class-validator.
    this.decodeOptions = { ...decodeOptions(config.mqtt?.validation), fastAccept: true };
  }

  onModuleInit(): void {
    const mqtt = this.config.mqtt;
    if (!mqtt) {
      this.logger.log('MQTT_URL unset: no live telemetry ingestion (history comes from the seed command)');
      return;
    }
    const { clientId, sharedGroup, highWaterRows, sessionExpiryS, receiveMaximum } = this.config.ingest;
    this.connection = new MqttConnection({ ...mqtt, clientId, qos: 1 }, 'solarhub-api', {
      clean: false,
      sessionExpiryS,
      receiveMaximum,
    });
    const client = this.connection.client;
    const topic = sharedGroup ? `$share/${sharedGroup}/${DEVICE_TOPICS.allData}` : DEVICE_TOPICS.allData;
    client.on('connect', () => {
      client.subscribe(topic, { qos: 1 }, (error) => {
        if (error) this.logger.warn(`subscribe failed: ${error.message}`);
      });
    });
    client.on('message', (t, payload, packet) => this.receive(t, payload, pubackLater(client, packet)));
    // A message is acknowledged by the writer once its rows are stored (deferAcks: mqtt.js's public
    // API acknowledges when it reads on, one message at a time), so a crash loses nothing: the broker
    // sends the unacknowledged again. Reading on at once lets a window of INGEST_RECEIVE_MAXIMUM
    // messages into the writer's batches; past INGEST_HIGH_WATER_ROWS rows not yet stored, reading
    // waits until half of them are (the broker holds the rest).
    deferAcks(client, () =>
      this.writer.backlog < highWaterRows ? null : this.writer.drainedTo(Math.floor(highWaterRows / 2)),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close(1000);
  }

  state(): DependencyState | null {
    return this.connection?.state() ?? null;
  }

  /** One message; `ack` acknowledges it to the broker (after its rows are stored, when it carries rows). */
  receive(topic: string, payload: Buffer, ack?: () => void): void {
    const entry = TOPIC_REGISTRY.deviceData;
    const decoded = this.invalid.decode(entry, topic, payload, this.decodeOptions);
    if (!decoded) {
      this.messages.inc({ result: 'invalid' });
      ack?.();
      return;
    }
    const result = parseTelemetry(decoded.value);
    if ('ok' in result) {
      this.messages.inc({ result: 'accepted' });
      result.ok.ack = ack;
      this.writer.accept([result.ok]);
      return;
    }
    ack?.();
    if ('skip' in result) {
      this.messages.inc({ result: 'skipped' });
    } else {
      this.messages.inc({ result: 'invalid' });
      this.invalid.record(entry, topic, 'unknown_unit', result.error);
    }
  }
}
