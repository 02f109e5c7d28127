import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { IotMockConfig } from '../iot-mock.config';
import { DEVICE_TOPICS, type SimulationStatus } from '@lib/contracts';
import { BoundedQueue } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import type { Counter, Gauge } from 'prom-client';
import { DevicesService } from '../devices/devices.service';
import { IOT_MOCK_CONFIG } from '../iot-mock.tokens';
import { IotMqttService } from '../mqtt/iot-mqtt.service';
import { SimulatedDevice } from '@lib/site-models';

/** How often the scheduler looks for devices that are due. Devices are spread over their interval. */
const TICK_MS = 50;

export type { SimulationStatus };

/**
 * Publishes every enabled device's readings at its interval. Devices are staggered across the
 * interval and published a few at a time per tick, so a large fleet is a steady stream rather
 * than a burst that stalls the MQTT client.
 */
@Injectable()
export class SimulationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SimulationService.name);
  private timer: NodeJS.Timeout | null = null;
  private startedAt: Date | null = null;
  private published = 0;
  private failed = 0;
  private readonly messages: Counter<'kind'>;
  private readonly failures: Counter<'reason'>;
  /** Readings taken while the broker was away, in order; sent as soon as it is back. */
  private readonly offline: BoundedQueue<{ topic: string; message: object }>;

  constructor(
    @Inject(IOT_MOCK_CONFIG) private readonly config: IotMockConfig,
    private readonly devices: DevicesService,
    private readonly mqtt: IotMqttService,
    metrics: MetricsService,
  ) {
    this.messages = metrics.counter('iot_messages_published_total', 'Messages published, by kind', ['kind']);
    this.failures = metrics.counter('iot_messages_failed_total', 'Messages not published, by reason', ['reason']);
    this.offline = new BoundedQueue(config.simulation.offlineQueueMax);
    this.queued = metrics.gauge('iot_offline_queue_messages', 'Readings waiting for the broker');
    devices.onChange((device, event) => this.onDeviceChange(device, event));
    mqtt.whenConnected(() => this.onBrokerBack());
  }

  onModuleInit(): void {
    if (this.config.simulation.autostart) this.start();
  }

  /** Stops publishing first, so the counters stored at shutdown are the final ones. */
  onModuleDestroy(): void {
    this.stop();
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): SimulationStatus {
    if (!this.timer) {
      this.startedAt = new Date();
      const now = Date.now();
      for (const device of this.devices.all()) this.schedule(device, now);
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.logger.log(
        `simulation started: ${this.devices.all().length} devices every ${this.config.simulation.intervalMs} ms`,
      );
    }
    return this.status();
  }

  stop(): SimulationStatus {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.startedAt = null;
      this.logger.log('simulation stopped');
    }
    return this.status();
  }

  status(): SimulationStatus {
    const all = this.devices.all();
    return {
      running: this.running,
      interval_s: this.config.simulation.intervalMs / 1000,
      data_variation_percent: this.config.simulation.variation,
      fault_probability: this.config.simulation.faultProbability,
      devices: all.length,
      devices_online: all.filter((d) => d.online).length,
      devices_enabled: all.filter((d) => d.record.enabled).length,
      messages_published: this.published,
      messages_failed: this.failed,
      started_at: this.startedAt?.toISOString() ?? null,
      mqtt_connected: this.mqtt.connected,
    };
  }

  /** One reading of one device now, published as usual (REST /simulate). */
  simulateNow(device: SimulatedDevice): ReturnType<SimulatedDevice['read']> {
    const result = device.read(new Date(), this.config.simulation);
    if (result?.send) this.publishData(device, result.message);
    this.publishStatusIfChanged(device);
    return result;
  }

  /** Publishes a device's status, retained, so a new subscriber learns it at once. */
  private publishStatus(device: SimulatedDevice): void {
    this.lastStatus.set(device.id, this.statusKey(device));
    this.mqtt
      .publish(
        DEVICE_TOPICS.status(device.id),
        { ...device.status(new Date()), service: this.config.serviceName },
        true,
      )
      .then(() => this.messages.inc({ kind: 'status' }))
      .catch((error: Error) => this.fail('status', error));
  }

  private readonly lastStatus = new Map<string, string>();

  private statusKey(device: SimulatedDevice): string {
    return `${device.online}|${device.record.enabled}|${device.fault ?? ''}`;
  }

  private publishStatusIfChanged(device: SimulatedDevice): void {
    if (this.lastStatus.get(device.id) !== this.statusKey(device)) this.publishStatus(device);
  }

  private intervalOf(device: SimulatedDevice): number {
    return device.record.intervalMs ?? this.config.simulation.intervalMs;
  }

  private schedule(device: SimulatedDevice, now: number): void {
    // Spread the fleet over one interval so it does not publish in one burst.
    device.nextDueAt = now + Math.random() * this.intervalOf(device);
  }

  private onDeviceChange(device: SimulatedDevice, event: 'added' | 'changed' | 'removed'): void {
    if (event === 'removed') {
      this.lastStatus.delete(device.id);
      return;
    }
    if (event === 'added') this.schedule(device, Date.now());
    if (this.mqtt.connected || event === 'added') this.publishStatusIfChanged(device);
  }

  private tick(): void {
    const nowMs = Date.now();
    const now = new Date(nowMs);
    for (const device of this.devices.all()) {
      if (device.nextDueAt > nowMs) continue;
      const interval = this.intervalOf(device);
      // Keep the cadence; after a long stall, resume from now rather than bursting to catch up.
      device.nextDueAt = Math.max(device.nextDueAt + interval, nowMs + interval / 2);
      const result = device.read(now, this.config.simulation);
      if (result?.send) this.publishData(device, result.message);
      else if (result) this.failures.inc({ reason: 'simulated_comm_error' });
      this.publishStatusIfChanged(device);
    }
  }

  private readonly queued: Gauge;

  private publishData(device: SimulatedDevice, message: object): void {
    const topic = DEVICE_TOPICS.data(device.id);
    if (!this.mqtt.connected) {
      // A device in the field keeps measuring while its uplink is down, and sends the backlog later.
      if (this.offline.push({ topic, message })) this.fail('offline_queue_full');
      this.queued.set(this.offline.size);
      return;
    }
    this.send(topic, message);
  }

  private send(topic: string, message: object): void {
    this.mqtt
      .publish(topic, message)
      .then(() => {
        this.published += 1;
        this.messages.inc({ kind: 'data' });
      })
      .catch((error: Error) => this.fail('publish_error', error));
  }

  /**
   * The broker is back: what was measured meanwhile goes first, in order, and every device's
   * status is published again (a broker without persistence has forgotten the retained ones).
   */
  private onBrokerBack(): void {
    const backlog = this.offline.size;
    for (let item = this.offline.shift(); item; item = this.offline.shift()) this.send(item.topic, item.message);
    this.queued.set(0);
    if (backlog > 0) this.logger.log(`broker back: sent ${backlog} readings taken while it was away`);
    this.lastStatus.clear();
    for (const device of this.devices.all()) this.publishStatusIfChanged(device);
  }

  private fail(reason: string, error?: Error): void {
    this.failed += 1;
    this.failures.inc({ reason });
    if (error) this.logger.debug(`publish failed: ${error.message}`);
  }
}
