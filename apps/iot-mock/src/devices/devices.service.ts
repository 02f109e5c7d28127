import {
  ConflictException,
  Inject,
  Injectable,
  BeforeApplicationShutdown,
  Logger,
  NotFoundException,
  OnModuleInit,
} from '@nestjs/common';
import { SiteClock } from '@lib/config';
import type { IotMockConfig } from '../iot-mock.config';
import { CreateDeviceDto, DEVICE_TOPICS, DeviceType, UpdateDeviceDto } from '@lib/contracts';
import { DatabaseConnection } from '@lib/persistence';
import { seededRandom } from '@lib/power';
import { IOT_MOCK_CONFIG } from '../iot-mock.tokens';
import { IotMqttService } from '../mqtt/iot-mqtt.service';
import { DeviceRecord, SimulatedDevice, newDeviceRecord } from '@lib/site-models';
import { DeviceEntity } from './device.entity';

/** Document 002's five default devices. */
export const DEFAULT_DEVICES: { id: string; type: DeviceType; name: string; location: string; powerKw: number }[] = [
  { id: 'mock-hvac-001', type: 'hvac', name: 'HVAC System', location: 'Building A - Roof', powerKw: 25 },
  { id: 'mock-lighting-001', type: 'lighting', name: 'LED Lighting', location: 'Building A', powerKw: 8.5 },
  { id: 'mock-server-001', type: 'server', name: 'Server Rack', location: 'Data Center', powerKw: 45 },
  { id: 'mock-industrial-001', type: 'industrial', name: 'Production Line', location: 'Factory Floor', powerKw: 120 },
  { id: 'mock-appliance-001', type: 'appliance', name: 'Kitchen Equipment', location: 'Cafeteria', powerKw: 15 },
];

const FLUSH_EVERY_MS = 10_000;

/**
 * The device fleet: stored in the database, simulated in memory. Energy and seq are written back
 * every few seconds and at shutdown, so a restart carries on where the fleet was.
 */
@Injectable()
export class DevicesService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(DevicesService.name);
  private readonly devices = new Map<string, SimulatedDevice>();
  /** Daily load profiles and PV yields follow the site's clock (SITE_TIMEZONE). */
  private readonly clock: SiteClock;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private loaded = false;
  private readonly listeners: ((device: SimulatedDevice, event: 'added' | 'changed' | 'removed') => void)[] = [];

  constructor(
    @Inject(IOT_MOCK_CONFIG) private readonly config: IotMockConfig,
    private readonly database: DatabaseConnection,
    private readonly mqtt: IotMqttService,
  ) {
    this.clock = new SiteClock(config.ev.drivers.timeZone);
  }

  onModuleInit(): void {
    void this.database.whenReady().then(() => this.load());
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /** Before the database closes (that happens in onApplicationShutdown), store the last counters. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flush();
  }

  /** Called with every device added, changed or removed (the simulator schedules them). */
  onChange(listener: (device: SimulatedDevice, event: 'added' | 'changed' | 'removed') => void): void {
    this.listeners.push(listener);
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  all(): SimulatedDevice[] {
    return [...this.devices.values()];
  }

  get(id: string): SimulatedDevice {
    const device = this.devices.get(id);
    if (!device) throw new NotFoundException(`Device not found: ${id}`);
    return device;
  }

  find(id: string): SimulatedDevice | undefined {
    return this.devices.get(id);
  }

  async create(dto: CreateDeviceDto): Promise<SimulatedDevice> {
    const repo = this.database.get().getRepository(DeviceEntity);
    const id = dto.device_id ?? this.nextId(dto.device_type);
    if (this.devices.has(id)) throw new ConflictException(`Device already exists: ${id}`);
    const record = newDeviceRecord({
      id,
      type: dto.device_type,
      name: dto.name,
      location: dto.location,
      basePowerKw: dto.base_power,
      baseVoltageV: dto.base_voltage,
      enabled: dto.enabled,
    });
    await repo.insert(record);
    return this.add(record);
  }

  async update(id: string, dto: UpdateDeviceDto): Promise<SimulatedDevice> {
    const device = this.get(id);
    const r = device.record;
    const changes: Partial<DeviceRecord> = {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.location !== undefined && { location: dto.location }),
      ...(dto.base_power !== undefined && { basePowerKw: dto.base_power }),
      ...(dto.base_voltage !== undefined && { baseVoltageV: dto.base_voltage }),
      ...(dto.enabled !== undefined && { enabled: dto.enabled }),
    };
    if (Object.keys(changes).length > 0) {
      await this.database.get().getRepository(DeviceEntity).update({ id }, changes);
      Object.assign(r, changes);
      this.emit(device, 'changed');
    }
    return device;
  }

  async remove(id: string): Promise<void> {
    const device = this.get(id);
    await this.database.get().getRepository(DeviceEntity).delete({ id });
    this.devices.delete(id);
    this.emit(device, 'removed');
    await this.mqtt.clearRetained(DEVICE_TOPICS.status(id)).catch(() => undefined);
  }

  /** Stores what a command changed on the device (its record, not its readings). */
  async persist(device: SimulatedDevice): Promise<void> {
    this.emit(device, 'changed');
    const { id, ...rest } = device.record;
    await this.database.get().getRepository(DeviceEntity).update({ id }, rest);
    device.dirty = false;
  }

  /** Writes back energy and seq of the devices that produced readings since the last flush. */
  flush(): Promise<void> {
    // One flush at a time, so an older write never lands after a newer one.
    this.flushing = this.flushing.then(() => this.writeCounters());
    return this.flushing;
  }

  private async writeCounters(): Promise<void> {
    if (!this.database.connected) return;
    const dirty = this.all().filter((d) => d.dirty);
    if (dirty.length === 0) return;
    try {
      const repo = this.database.get().getRepository(DeviceEntity);
      for (const device of dirty) device.dirty = false;
      await repo.manager.transaction(async (tx) => {
        for (const d of dirty) {
          await tx.update(
            DeviceEntity,
            { id: d.id },
            { energyKwh: d.record.energyKwh, seq: d.record.seq, asset: d.record.asset },
          );
        }
      });
    } catch (error) {
      for (const device of dirty) device.dirty = true;
      this.logger.warn(`could not store device counters: ${(error as Error).message}`);
    }
  }

  private async load(): Promise<void> {
    const repo = this.database.get().getRepository(DeviceEntity);
    let rows = await repo.find({ order: { id: 'ASC' } });
    if (rows.length === 0 && this.config.simulation.defaultDevices) {
      const now = new Date();
      const defaults = DEFAULT_DEVICES.map((d) =>
        newDeviceRecord({
          id: d.id,
          type: d.type,
          name: d.name,
          location: d.location,
          basePowerKw: d.powerKw,
          createdAt: now,
        }),
      );
      await repo.insert(defaults);
      rows = await repo.find({ order: { id: 'ASC' } });
      this.logger.log(`created the ${defaults.length} default devices`);
    }
    for (const row of rows) this.add({ ...row });
    this.loaded = true;
    this.logger.log(`loaded ${rows.length} devices`);
  }

  private add(record: DeviceRecord): SimulatedDevice {
    const seed = [...record.id].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7) ^ (Date.now() >>> 0);
    const device = new SimulatedDevice(record, seededRandom(seed), this.clock);
    this.devices.set(record.id, device);
    this.emit(device, 'added');
    return device;
  }

  private emit(device: SimulatedDevice, event: 'added' | 'changed' | 'removed'): void {
    for (const listener of this.listeners) listener(device, event);
  }

  private nextId(type: DeviceType): string {
    const prefix = `mock-${type}-`;
    const used = new Set([...this.devices.keys()].filter((id) => id.startsWith(prefix)));
    for (let n = 1; ; n++) {
      const id = `${prefix}${String(n).padStart(3, '0')}`;
      if (!used.has(id)) return id;
    }
  }
}
