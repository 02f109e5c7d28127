import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DEVICE_TOPICS } from '@lib/contracts';
import type { SolarhubConfig } from '@lib/config';
import { MqttConnection } from '@lib/messaging';
import type { DependencyState } from '@lib/observability';
import { MetricsService } from '@lib/observability';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { parseTelemetry } from './parse';
import { TelemetryWriter } from './telemetry-writer';

/**
 * Subscribes to the field assets' telemetry (energy/devices/+/data: BESS with its racks, PCS,
 * PV inverters, meters with grid frequency) and hands valid readings to the writer. Malformed
 * ones are counted and logged with the offending field, never stored half.
 */
@Injectable()
export class IngestionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestionService.name);
  private connection: MqttConnection | null = null;
  private readonly messages;
  private lastInvalidLog = 0;

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly writer: TelemetryWriter,
    metrics: MetricsService,
  ) {
    this.messages = metrics.counter('solarhub_telemetry_messages_total', 'Telemetry messages by result', ['result']);
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
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.invalid(topic, 'payload is not JSON');
      return;
    }
    const result = parseTelemetry(body);
    if ('ok' in result) {
      this.messages.inc({ result: 'accepted' });
      this.writer.accept([result.ok]);
    } else if ('skip' in result) {
      this.messages.inc({ result: 'skipped' });
    } else {
      this.invalid(topic, result.error);
    }
  }

  private invalid(topic: string, reason: string): void {
    this.messages.inc({ result: 'invalid' });
    const now = Date.now();
    if (now - this.lastInvalidLog > 10_000) {
      this.lastInvalidLog = now;
      this.logger.warn(`invalid telemetry on ${topic}: ${reason}`);
    }
  }
}
