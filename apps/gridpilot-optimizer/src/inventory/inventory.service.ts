import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { GridpilotConfig } from '@lib/config';
import { BessData, DEVICE_TOPICS, DeviceDataMessage, LOAD_DEVICE_TYPES, TOPIC_REGISTRY } from '@lib/contracts';
import { BusInvalidMessages, DecodeOptions, decodeOptions } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { PlantClient, PlantReading } from './plant-client';
import { SiteLink } from './site-link';

/** Telemetry older than this no longer counts. */
const STALE_MS = 60_000;

export interface DeviceSample {
  at: number;
  type: string;
  powerKw: number;
  socPct?: number;
  capacityKwh?: number;
  temperatureC?: number;
}

export interface BatteryState {
  soc: number;
  capacityKwh: number;
  maxPowerKw: number;
  source: 'telemetry' | 'estimate';
}

export interface SiteSnapshot {
  plant: PlantReading | null;
  plantError: string | null;
  battery: BatteryState;
  /** Load of iot-mock devices the optimizer does not steer (kW). */
  baseLoadKw: number;
  evChargingKw: number;
  evChargers: number;
  deviceCount: number;
  temperatureC: number | null;
}

const isLoadType = (type: string): boolean => (LOAD_DEVICE_TYPES as readonly string[]).includes(type);
const isBess = (m: DeviceDataMessage): m is BessData => m.device_type === 'bess';

/**
 * What the site has: generation and consumption from plant-simulator, battery state from BESS
 * telemetry, EV load from the charge points' telemetry, and device loads from iot-mock.
 */
@Injectable()
export class InventoryService implements OnModuleInit {
  private readonly logger = new Logger('inventory');
  private readonly devices = new Map<string, DeviceSample>();
  readonly plant: PlantClient | null;
  private lastPlant: PlantReading | null = null;
  private lastPlantError: string | null = null;
  private plantFetch: Promise<PlantReading | null> | null = null;
  private plantFetchedAt = 0;
  /** The SOC the last plan expects, used while no BESS reports. */
  private socEstimate: number;
  malformed = 0;
  private readonly invalid: BusInvalidMessages;
  private readonly decodeOptions: DecodeOptions;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly link: SiteLink,
    metrics: MetricsService,
  ) {
    this.invalid = new BusInvalidMessages(metrics, 'gridpilot-optimizer');
    this.decodeOptions = decodeOptions(config.mqtt?.validation);
    const p = config.plant;
    this.plant = p.url
      ? new PlantClient({
          url: p.url,
          token: p.token,
          serviceToken: config.serviceToken,
          plantId: p.id,
          timeoutMs: p.timeoutMs,
        })
      : null;
    this.socEstimate = config.battery.socInitial;
  }

  onModuleInit(): void {
    const mqtt = this.link.mqtt;
    if (!mqtt) return;
    mqtt.onEveryConnect(() => mqtt.client.subscribe(DEVICE_TOPICS.allData, { qos: 0 }));
    mqtt.client.on('message', (topic, payload) => {
      if (topic.endsWith('/data')) this.onTelemetry(topic, payload);
    });
  }

  /** Takes a data message only once it has passed its contract (bounds included); counts the rest. */
  private onTelemetry(topic: string, payload: Buffer): void {
    const decoded = this.invalid.decode(TOPIC_REGISTRY.deviceData, topic, payload, this.decodeOptions);
    if (!decoded) {
      this.malformed += 1;
      return;
    }
    const message = decoded.value;
    const deviceId = message.device_id;
    const bess = isBess(message) ? message : null;
    const temperatures = bess?.racks.map((r) => r.temperature_c) ?? [];
    this.devices.set(deviceId, {
      at: Date.now(),
      type: message.device_type ?? deviceId.replace(/^mock-|-\d+$/g, ''),
      powerKw: message.power,
      socPct: bess?.soc_pct,
      capacityKwh: bess?.capacity_kwh,
      temperatureC: temperatures.length ? temperatures.reduce((s, t) => s + t, 0) / temperatures.length : undefined,
    });
  }

  /** What the inventory holds of one device: its last valid telemetry, if it is fresh. */
  reported(deviceId: string): Readonly<DeviceSample> | undefined {
    return this.fresh().get(deviceId);
  }

  /** The plant's latest reading, fetched at most once per second; null (with the error kept) when unreachable. */
  async plantReading(maxAgeMs = 1000): Promise<PlantReading | null> {
    if (!this.plant) return null;
    if (Date.now() - this.plantFetchedAt < maxAgeMs && !this.plantFetch)
      return this.lastPlantError ? null : this.lastPlant;
    this.plantFetch ??= this.plant
      .latest()
      .then((reading) => {
        if (this.lastPlantError) this.logger.log('plant reachable again');
        this.lastPlant = reading;
        this.lastPlantError = null;
        return reading;
      })
      .catch((error: Error) => {
        if (!this.lastPlantError) this.logger.warn(`plant unreachable: ${error.message}`);
        this.lastPlantError = error.message;
        return null;
      })
      .finally(() => {
        this.plantFetch = null;
        this.plantFetchedAt = Date.now();
      });
    return this.plantFetch;
  }

  get plantError(): string | null {
    return this.plant ? this.lastPlantError : 'PLANT_URL is not set';
  }

  setSocEstimate(soc: number): void {
    this.socEstimate = soc;
  }

  /** The devices that reported within STALE_MS; older ones are forgotten. */
  private fresh(): Map<string, DeviceSample> {
    const cutoff = Date.now() - STALE_MS;
    for (const [id, sample] of this.devices) if (sample.at < cutoff) this.devices.delete(id);
    return this.devices;
  }

  battery(): BatteryState {
    // With BESS_DEVICE_ID, the battery the plan drives is that one only.
    const driven = this.config.bessDeviceId;
    const bess = [...this.fresh()]
      .filter(([id, d]) => d.type === 'bess' && d.socPct !== undefined && (driven === null || id === driven))
      .map(([, d]) => d);
    const { battery } = this.config;
    if (bess.length === 0) {
      return {
        soc: this.socEstimate,
        capacityKwh: battery.capacityKwh,
        maxPowerKw: battery.maxPowerKw,
        source: 'estimate',
      };
    }
    const capacity = bess.reduce((s, d) => s + (d.capacityKwh ?? 0), 0);
    const soc =
      capacity > 0
        ? bess.reduce((s, d) => s + ((d.socPct ?? 0) / 100) * (d.capacityKwh ?? 0), 0) / capacity
        : bess.reduce((s, d) => s + (d.socPct ?? 0) / 100, 0) / bess.length;
    return {
      soc: Math.min(1, Math.max(0, soc)),
      capacityKwh: capacity > 0 ? capacity : battery.capacityKwh,
      maxPowerKw: battery.maxPowerKw,
      source: 'telemetry',
    };
  }

  async snapshot(): Promise<SiteSnapshot> {
    const plant = await this.plantReading();
    const devices = this.fresh();
    const steered = new Set(Object.values(this.config.dispatchDevices));
    let baseLoadKw = 0;
    let evChargingKw = 0;
    let evChargers = 0;
    const temperatures: number[] = [];
    for (const [id, d] of devices) {
      if (isLoadType(d.type) && !steered.has(id)) baseLoadKw += Math.max(0, d.powerKw);
      if (d.type === 'ev_charger') {
        evChargingKw += Math.max(0, d.powerKw);
        evChargers += 1;
      }
      if (d.temperatureC !== undefined) temperatures.push(d.temperatureC);
    }
    return {
      plant,
      plantError: this.plantError,
      battery: this.battery(),
      baseLoadKw,
      evChargingKw,
      evChargers,
      deviceCount: devices.size,
      temperatureC: temperatures.length ? temperatures.reduce((s, t) => s + t, 0) / temperatures.length : null,
    };
  }
}
