import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DEVICE_TOPICS, TOPIC_REGISTRY } from '@lib/contracts';
import type { SolarhubConfig } from '@lib/config';
import { BusInvalidMessages, DecodeOptions, MqttConnection, decodeOptions } from '@lib/messaging';
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
    this.decodeOptions = decodeOptions(config.mqtt?.validation);
  }

  onModuleInit(): void {
    const mqtt = this.config.mqtt;
    if (!mqtt) {
      this.logger.log('MQTT_URL unset: no live telemetry ingestion (history comes from the seed command)');
      return;
    }
    this.connection = new MqttConnection(mqtt, 'solarhub-api');
    const client = this.connection.client;
    client.on('connect', () => {
      client.subscribe(DEVICE_TOPICS.allData, { qos: mqtt.qos }, (error) => {
        if (error) this.logger.warn(`subscribe failed: ${error.message}`);
      });
    });
    client.on('message', (topic, payload) => this.receive(topic, payload));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close(1000);
  }

  state(): DependencyState | null {
    return this.connection?.state() ?? null;
  }

  receive(topic: string, payload: Buffer): void {
    const entry = TOPIC_REGISTRY.deviceData;
    const decoded = this.invalid.decode(entry, topic, payload, this.decodeOptions);
    if (!decoded) {
      this.messages.inc({ result: 'invalid' });
      return;
    }
    const result = parseTelemetry(decoded.value);
    if ('ok' in result) {
      this.messages.inc({ result: 'accepted' });
      this.writer.accept([result.ok]);
    } else if ('skip' in result) {
      this.messages.inc({ result: 'skipped' });
    } else {
      this.messages.inc({ result: 'invalid' });
      this.invalid.record(entry, topic, 'unknown_unit', result.error);
    }
  }
}
