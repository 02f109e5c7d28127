import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { BUS_PATTERNS, DEVICE_TOPICS, DeviceCommandAck, TOPIC_REGISTRY } from '@lib/contracts';
import { BusInvalidMessages, DecodeOptions, decodeOptions } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { DatabaseConnection } from '@lib/persistence';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService } from '../inventory/inventory.service';
import { SiteLink } from '../site-link';
import { DispatchEntity } from '../storage/entities';
import { BatteryLinkService } from './battery-link.service';
import { deviceSetPointKw, plantConsumptionKw, siteChargingLimitW } from './limits';

export type DispatchOrigin = 'api' | 'cycle' | 'control';
export type DispatchStatus = 'success' | 'partial' | 'unreachable' | 'failed' | 'simulated';

export interface DispatchOrder {
  /** kW per load, with `cooling`. */
  allocation: Record<string, number>;
  batteryKw: number;
  baseLoadKw: number;
  /** What the site draws from the plant (kW). */
  consumptionKw: number;
  constraintsSatisfied: boolean;
  soc: number;
  /** The SOC the plan expects at the end of its first step; the estimate while no BESS reports. */
  socNext: number;
}

export interface TargetResult {
  target: string;
  ok: boolean;
  detail: Record<string, unknown>;
  error?: string;
}

export interface DispatchRecord {
  id: number | null;
  at: Date;
  origin: DispatchOrigin;
  status: DispatchStatus;
  order: DispatchOrder;
  targets: TargetResult[];
  /** Net export the plant reports after the dispatch, when it was asked (kW). */
  exportKw: number | null;
  message: string;
  processingMs: number;
}

/**
 * Turns an allocation into commands: the battery power as a set-point to the BESS (first, so the
 * rest counts what it took), the expected consumption to plant-simulator, the EV share as the site
 * charging limit to ocpp-csms over the bus, and `set_power` to the iot-mock devices that carry a
 * load, each clamped to what its receiver accepts (limits.ts). Every dispatch is recorded with what
 * each target answered; the state it moves (the SOC estimate, the load timers) follows in
 * CycleService.apply, the one path every dispatch takes.
 */
@Injectable()
export class DispatchService implements OnModuleInit {
  private readonly logger = new Logger('dispatch');
  private readonly pendingAcks = new Map<string, (ack: DeviceCommandAck) => void>();
  private unsaved: DispatchEntity[] = [];
  last: DispatchRecord | null = null;
  count = 0;
  /** Dispatches where a target failed (refused, unreachable, or a device that never acknowledged). */
  failed = 0;
  private readonly invalid: BusInvalidMessages;
  private readonly decodeOptions: DecodeOptions;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly inventory: InventoryService,
    private readonly link: SiteLink,
    private readonly database: DatabaseConnection,
    metrics: MetricsService,
    private readonly battery: BatteryLinkService,
  ) {
    this.invalid = new BusInvalidMessages(metrics, 'gridpilot-optimizer');
    this.decodeOptions = decodeOptions(config.mqtt?.validation);
  }

  onModuleInit(): void {
    const mqtt = this.link.mqtt;
    if (!mqtt || Object.keys(this.config.dispatchDevices).length === 0) return;
    mqtt.onEveryConnect(() => mqtt.client.subscribe(DEVICE_TOPICS.allCommandAcks, { qos: 1 }));
    mqtt.client.on('message', (topic, payload) => {
      if (!topic.endsWith('/commands/ack')) return;
      const ack = this.invalid.decode(TOPIC_REGISTRY.deviceCommandAcks, topic, payload, this.decodeOptions);
      if (ack?.value.command_id) this.pendingAcks.get(ack.value.command_id)?.(ack.value);
    });
  }

  async execute(planned: DispatchOrder, origin: DispatchOrigin, simulate = false): Promise<DispatchRecord> {
    const started = performance.now();
    const targets: TargetResult[] = [];
    let exportKw: number | null = null;
    let order = planned;
    if (!simulate && this.battery.deviceId) {
      // The BESS answers first: what it did not take is not announced to the plant as consumption.
      const bess = await this.battery.dispatch(order.batteryKw, order.soc);
      targets.push(bess.target);
      if (Math.abs(bess.appliedKw - order.batteryKw) > 1e-6) {
        order = {
          ...order,
          batteryKw: bess.appliedKw,
          consumptionKw: order.consumptionKw - order.batteryKw + bess.appliedKw,
          socNext: bess.appliedKw === 0 ? order.soc : order.socNext,
        };
      }
    }
    if (!simulate) {
      const jobs: Promise<TargetResult>[] = [this.toPlant(order)];
      if (order.allocation.ev_charging !== undefined) jobs.push(this.toCsms(order.allocation.ev_charging));
      for (const [load, device] of Object.entries(this.config.dispatchDevices)) {
        jobs.push(this.toDevice(device, load, deviceSetPointKw(this.config, load, order.allocation[load] ?? 0)));
      }
      targets.push(...(await Promise.all(jobs)));
      const plant = targets.find((t) => t.target === 'plant');
      if (plant?.ok && typeof plant.detail.generation_kw === 'number') {
        exportKw = plant.detail.generation_kw - (plant.detail.consumption_kw as number);
      }
    }
    const { exportMinKw, exportMaxKw } = this.config.site;
    const failed = targets.filter((t) => !t.ok);
    const outOfBand = exportKw !== null && (exportKw < exportMinKw - 1e-6 || exportKw > exportMaxKw + 1e-6);
    let status: DispatchStatus;
    let message: string;
    if (simulate) {
      status = 'simulated';
      message = 'dry run: nothing was sent';
    } else if (failed.length === targets.length) {
      status = 'failed';
      message = failed.map((t) => `${t.target}: ${t.error}`).join('; ');
    } else if (failed.length > 0) {
      status = 'partial';
      message = failed.map((t) => `${t.target}: ${t.error}`).join('; ');
    } else if (outOfBand || !order.constraintsSatisfied) {
      status = 'unreachable';
      message = outOfBand
        ? `net export ${exportKw?.toFixed(1)} kW is outside the band [${exportMinKw}, ${exportMaxKw}] kW`
        : 'the allocation does not satisfy every constraint';
    } else {
      status = 'success';
      message = 'all targets accepted';
    }
    const record: DispatchRecord = {
      id: null,
      at: new Date(),
      origin,
      status,
      order,
      targets,
      exportKw,
      message,
      processingMs: performance.now() - started,
    };
    if (status !== 'success' && status !== 'simulated') this.logger.warn(`dispatch ${status}: ${message}`);
    record.id = await this.record(record);
    this.last = record;
    this.count += 1;
    if (failed.length > 0) this.failed += 1;
    return record;
  }

  private async toPlant(order: DispatchOrder): Promise<TargetResult> {
    const plant = this.inventory.plant;
    if (!plant) return { target: 'plant', ok: false, detail: {}, error: 'PLANT_URL is not set' };
    try {
      const consumptionKw = await plant.setConsumption(plantConsumptionKw(order.consumptionKw));
      const reading = await this.inventory.plantReading(0);
      return {
        target: 'plant',
        ok: true,
        detail: { consumption_kw: consumptionKw, generation_kw: reading?.generationKw ?? null },
      };
    } catch (error) {
      return { target: 'plant', ok: false, detail: {}, error: (error as Error).message };
    }
  }

  private async toCsms(evKw: number): Promise<TargetResult> {
    const limitW = siteChargingLimitW(evKw);
    if (this.link.bus.transport === 'none') {
      return {
        target: 'ocpp-csms',
        ok: false,
        detail: { limit_w: limitW },
        error: 'no bus (set REDIS_URL or MQTT_URL)',
      };
    }
    try {
      await this.link.bus.publish(BUS_PATTERNS.siteChargingLimit, { limit: limitW, unit: 'W' });
      return { target: 'ocpp-csms', ok: true, detail: { limit_w: limitW, bus: this.link.bus.transport } };
    } catch (error) {
      return { target: 'ocpp-csms', ok: false, detail: { limit_w: limitW }, error: (error as Error).message };
    }
  }

  private async toDevice(deviceId: string, load: string, powerKw: number): Promise<TargetResult> {
    const target = `device:${deviceId}`;
    const mqtt = this.link.mqtt;
    const detail = { load, power_kw: powerKw };
    if (!mqtt?.connected) return { target, ok: false, detail, error: 'MQTT broker unavailable' };
    const commandId = randomUUID();
    const ack = new Promise<DeviceCommandAck | null>((resolve) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(commandId);
        resolve(null);
      }, this.config.deviceCommandTimeoutMs);
      this.pendingAcks.set(commandId, (a) => {
        clearTimeout(timer);
        this.pendingAcks.delete(commandId);
        resolve(a);
      });
    });
    try {
      await mqtt.publishJson(DEVICE_TOPICS.commands(deviceId), {
        command: 'set_power',
        parameters: { power: powerKw },
        command_id: commandId,
      });
    } catch (error) {
      this.pendingAcks.delete(commandId);
      return { target, ok: false, detail, error: (error as Error).message };
    }
    const answer = await ack;
    if (!answer)
      return { target, ok: false, detail, error: `no acknowledgement within ${this.config.deviceCommandTimeoutMs} ms` };
    return answer.success
      ? { target, ok: true, detail: { ...detail, result: answer.result ?? {} } }
      : { target, ok: false, detail, error: answer.error ?? 'refused' };
  }

  /** Stores the record; while the database is away, records wait in memory and are written later. */
  private async record(record: DispatchRecord): Promise<number | null> {
    const entity = Object.assign(new DispatchEntity(), {
      createdAt: record.at,
      origin: record.origin,
      status: record.status,
      constraintsSatisfied: record.order.constraintsSatisfied,
      totalPowerKw: record.order.consumptionKw,
      allocation: record.order.allocation,
      result: {
        message: record.message,
        export_kw: record.exportKw,
        battery_kw: record.order.batteryKw,
        targets: record.targets,
      },
    });
    this.unsaved.push(entity);
    if (!this.database.connected) return null;
    const pending = this.unsaved;
    this.unsaved = [];
    try {
      const saved = await this.database.get().getRepository(DispatchEntity).save(pending);
      return saved.at(-1)?.id ?? null;
    } catch (error) {
      this.unsaved = [...pending, ...this.unsaved];
      this.logger.warn(`dispatch records not stored yet (${(error as Error).message}); ${this.unsaved.length} waiting`);
      return null;
    }
  }

  async recent(limit: number): Promise<DispatchEntity[]> {
    return this.database
      .get()
      .getRepository(DispatchEntity)
      .find({ order: { id: 'DESC' }, take: limit });
  }
}
