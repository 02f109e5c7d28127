import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { SolarhubConfig } from '../solarhub-api.config';
import { DeviceFault, DeviceType, TOPIC_REGISTRY, matchTopic } from '@lib/contracts';
import { BusInvalidMessages, DecodeOptions, MqttConnection, decodeOptions } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import type { Gauge } from 'prom-client';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';

/** What a device's status says, as solarhub-api shows it. */
export interface DeviceStatusView {
  device_id: string;
  device_type: DeviceType | null;
  /** The service the device belongs to; its presence (last will) covers the device. */
  service: string;
  status: 'online' | 'offline';
  /** Why it is offline: its own status (`device`) or its service's (`service_offline`). */
  reason: 'device' | 'service_offline' | null;
  enabled: boolean;
  fault: DeviceFault | null;
  /** When the device last reported its status (ISO, UTC). */
  reported_at: string;
  /** Since when its service is offline, when it is. */
  service_offline_since: string | null;
}

interface Known {
  deviceId: string;
  deviceType: DeviceType | null;
  service: string;
  status: 'online' | 'offline';
  enabled: boolean;
  fault: DeviceFault | null;
  reportedAt: string;
}

/** Statuses without a service name come from the one service the registry lists as their publisher. */
const DEFAULT_SERVICE = TOPIC_REGISTRY.deviceStatus.publishers[0];

/**
 * Keeps every device's status (energy/devices/+/status, retained) and every service's presence
 * (energy/services/+/status, retained; a service's MQTT last will says `offline` when it dies).
 * A service that goes offline takes all its devices offline at once; they come back with the
 * statuses the service publishes when it returns. Its own clean broker session, so every replica
 * sees every status, and the retained ones arrive again after a broker restart.
 */
@Injectable()
export class DeviceStatusService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('device-status');
  private connection: MqttConnection | null = null;
  private readonly devices = new Map<string, Known>();
  /** Services seen offline, with since when. */
  private readonly servicesOffline = new Map<string, Date>();
  private readonly services = new Set<string>();
  private readonly invalid: BusInvalidMessages;
  private readonly decodeOptions: DecodeOptions;
  private readonly offlineGauge: Gauge;

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    metrics: MetricsService,
  ) {
    this.invalid = new BusInvalidMessages(metrics, 'solarhub-api');
    this.decodeOptions = decodeOptions(config.mqtt?.validation);
    this.offlineGauge = metrics.gauge('solarhub_devices_offline', 'Devices whose status (or service) is offline');
  }

  onModuleInit(): void {
    const mqtt = this.config.mqtt;
    if (!mqtt) return;
    this.connection = new MqttConnection({ ...mqtt, clientId: `${mqtt.clientId}-status`, qos: 1 }, 'solarhub-api');
    this.connection.onEveryConnect(() => {
      const topics = [TOPIC_REGISTRY.deviceStatus.pattern, TOPIC_REGISTRY.serviceStatus.pattern];
      this.connection?.client.subscribe(topics, { qos: 1 }, (error) => {
        if (error) this.logger.warn(`subscribe failed: ${error.message}`);
      });
    });
    this.connection.client.on('message', (topic, payload) => this.receive(topic, payload));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close(1000);
  }

  /** One status message, device or service; anything else (or an empty, cleared retained message) is ignored. */
  receive(topic: string, payload: Buffer): void {
    if (matchTopic(TOPIC_REGISTRY.serviceStatus, topic)) {
      if (payload.length > 0) this.onService(topic, payload);
      return;
    }
    const params = matchTopic(TOPIC_REGISTRY.deviceStatus, topic);
    if (!params) return;
    // A deleted device's retained status is cleared with an empty message.
    if (payload.length === 0) {
      this.devices.delete(params.device_id);
      this.updateGauge();
      return;
    }
    const decoded = this.invalid.decode(TOPIC_REGISTRY.deviceStatus, topic, payload, this.decodeOptions);
    if (!decoded) return;
    const m = decoded.value;
    const service = m.service ?? DEFAULT_SERVICE;
    this.services.add(service);
    this.devices.set(m.device_id, {
      deviceId: m.device_id,
      deviceType: m.device_type ?? null,
      service,
      status: m.status,
      enabled: m.enabled,
      fault: m.fault ?? null,
      reportedAt: m.timestamp,
    });
    this.updateGauge();
  }

  private onService(topic: string, payload: Buffer): void {
    const decoded = this.invalid.decode(TOPIC_REGISTRY.serviceStatus, topic, payload, this.decodeOptions);
    if (!decoded) return;
    const service = decoded.topicParams.service;
    this.services.add(service);
    const wasOffline = this.servicesOffline.has(service);
    if (decoded.value.status === 'offline') {
      if (!wasOffline) {
        this.servicesOffline.set(service, new Date());
        const count = [...this.devices.values()].filter((d) => d.service === service).length;
        this.logger.warn(`${service} is offline: its ${count} devices are marked offline`);
      }
    } else if (wasOffline) {
      this.servicesOffline.delete(service);
      this.logger.log(`${service} is back online`);
    }
    this.updateGauge();
  }

  /** The device's status, or null when it never reported one. */
  get(deviceId: string): DeviceStatusView | null {
    const known = this.devices.get(deviceId);
    return known ? this.view(known) : null;
  }

  /** False only when the device (or its service) is known to be offline: no status yet is no verdict. */
  isOnline(deviceId: string): boolean {
    return this.get(deviceId)?.status !== 'offline';
  }

  list(): { devices: DeviceStatusView[]; services: { service: string; status: 'online' | 'offline' }[] } {
    return {
      devices: [...this.devices.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId)).map((d) => this.view(d)),
      services: [...this.services]
        .sort()
        .map((service) => ({ service, status: this.servicesOffline.has(service) ? 'offline' : 'online' })),
    };
  }

  private view(d: Known): DeviceStatusView {
    const serviceDown = this.servicesOffline.get(d.service) ?? null;
    const status = serviceDown || d.status === 'offline' ? 'offline' : 'online';
    return {
      device_id: d.deviceId,
      device_type: d.deviceType,
      service: d.service,
      status,
      reason: serviceDown ? 'service_offline' : d.status === 'offline' ? 'device' : null,
      enabled: d.enabled,
      fault: d.fault,
      reported_at: d.reportedAt,
      service_offline_since: serviceDown?.toISOString() ?? null,
    };
  }

  private updateGauge(): void {
    let offline = 0;
    for (const d of this.devices.values()) if (d.status === 'offline' || this.servicesOffline.has(d.service)) offline++;
    this.offlineGauge.set(offline);
  }
}
