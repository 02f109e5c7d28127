import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { FlexibleLoadConfig, GridpilotConfig } from '../gridpilot-optimizer.config';
import {
  ASSET_DEVICE_TYPES,
  BessData,
  DEVICE_TOPICS,
  DeviceDataMessage,
  STATION_TOPICS,
  TOPIC_REGISTRY,
} from '@lib/contracts';
import { BusInvalidMessages, DecodeOptions, decodeOptions } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { boundEvLoad } from '../optimization/ev-bound';
import { EvLoad, EvStationLoad, EvStations } from './ev-stations';
import { PlantClient, PlantReading } from './plant-client';
import { SiteLink } from '../site-link';

/** Telemetry older than this no longer counts. */
const STALE_MS = 60_000;

export interface DeviceSample {
  at: number;
  /** The telemetry's own `device_type`; null when the sender gave none. */
  type: string | null;
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
  /** Load of the devices the optimizer does not steer (kW). */
  baseLoadKw: number;
  /** Of the devices the optimizer steers (DISPATCH_DEVICES): what they draw now (kW). */
  steeredLoadKw: number;
  /** EV charging as ocpp-csms measures it (kW), and how much the site charging limit can take away. */
  evChargingKw: number;
  evFlexibleKw: number;
  /** Stations connected and reporting, and their open sessions. */
  evChargers: number;
  evSessions: number;
  evStations: EvStationLoad[];
  deviceCount: number;
  temperatureC: number | null;
}

/**
 * A device draws site load unless it is an energy asset (generation, storage, the grid meter) or
 * an EV charger (counted from ocpp-csms). A device whose telemetry names no type is a load of
 * document 002: whatever its id, it is counted.
 */
const NOT_LOAD: readonly string[] = ASSET_DEVICE_TYPES;
export const isLoad = (type: string | null): boolean => type === null || !NOT_LOAD.includes(type);
const isBess = (m: DeviceDataMessage): m is BessData => m.device_type === 'bess';

/**
 * What the site has: generation and consumption from plant-simulator, battery state from BESS
 * telemetry, EV load from ocpp-csms's station messages (any OCPP charger, not the simulated
 * chargers' own telemetry), and device loads by the `device_type` of their telemetry.
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
  readonly ev = new EvStations();
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
    mqtt.onEveryConnect(() => {
      mqtt.client.subscribe(DEVICE_TOPICS.allData, { qos: 0 });
      mqtt.client.subscribe([STATION_TOPICS.allStatus, STATION_TOPICS.allMeter], { qos: 1 });
    });
    mqtt.client.on('message', (topic, payload) => {
      if (topic.startsWith('energy/devices/') && topic.endsWith('/data')) this.onTelemetry(topic, payload);
      else if (topic.startsWith('energy/stations/')) this.onStation(topic, payload);
    });
  }

  /** A station's status or meter message from ocpp-csms, once it has passed its contract. */
  private onStation(topic: string, payload: Buffer): void {
    if (topic.endsWith('/meter')) {
      const meter = this.invalid.decode(TOPIC_REGISTRY.stationMeter, topic, payload, this.decodeOptions);
      if (meter) this.ev.meter(meter.value);
      else this.malformed += 1;
      return;
    }
    const status = this.invalid.decode(TOPIC_REGISTRY.stationStatus, topic, payload, this.decodeOptions);
    if (status) this.ev.status(status.value);
    else this.malformed += 1;
  }

  /** EV charging now, from the station messages. */
  evLoad(): EvLoad {
    return this.ev.load();
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
      type: message.device_type ?? null,
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

  /** The flexible loads as they can run now: EV charging bounded by the sessions ocpp-csms reports. */
  flexibleLoads(): FlexibleLoadConfig[] {
    return boundEvLoad(this.config.loads, this.ev.load(), this.config.evSessionMaxKw);
  }

  async snapshot(): Promise<SiteSnapshot> {
    const plant = await this.plantReading();
    const devices = this.fresh();
    const steered = new Set(Object.values(this.config.dispatchDevices));
    const { baseLoadKw, steeredLoadKw } = countLoads(devices, steered);
    const ev = this.ev.load();
    const temperatures: number[] = [];
    for (const d of devices.values()) if (d.temperatureC !== undefined) temperatures.push(d.temperatureC);
    return {
      plant,
      plantError: this.plantError,
      battery: this.battery(),
      baseLoadKw,
      steeredLoadKw,
      evChargingKw: ev.chargingKw,
      evFlexibleKw: ev.flexibleKw,
      evChargers: ev.stations,
      evSessions: ev.sessions,
      evStations: ev.byStation,
      deviceCount: devices.size,
      temperatureC: temperatures.length ? temperatures.reduce((s, t) => s + t, 0) / temperatures.length : null,
    };
  }
}

/**
 * The site load of the devices, by the `device_type` their telemetry carries and never by the
 * shape of their id: what the optimizer does not steer is base load, what it steers (its dispatch
 * devices) is its flexibility. Energy assets and EV chargers are not device load.
 */
export function countLoads(
  devices: ReadonlyMap<string, Pick<DeviceSample, 'type' | 'powerKw'>>,
  steered: ReadonlySet<string>,
): { baseLoadKw: number; steeredLoadKw: number } {
  let baseLoadKw = 0;
  let steeredLoadKw = 0;
  for (const [id, d] of devices) {
    if (!isLoad(d.type)) continue;
    if (steered.has(id)) steeredLoadKw += Math.max(0, d.powerKw);
    else baseLoadKw += Math.max(0, d.powerKw);
  }
  return { baseLoadKw, steeredLoadKw };
}
