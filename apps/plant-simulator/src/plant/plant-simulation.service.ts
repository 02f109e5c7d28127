import { Inject, Injectable, Logger, NotFoundException, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { PlantSimulatorConfig } from '../plant-simulator.config';
import { PLANT_TOPICS, PlantReadingMessage } from '@lib/contracts';
import { MqttConnection } from '@lib/messaging';
import { MetricsService, ReadinessRegistry } from '@lib/observability';
import { Random, seededRandom } from '@lib/power';
import { Counter } from 'prom-client';
import { PlantState } from './plant-state';
import { PLANT_SIMULATOR_CONFIG } from './plant.tokens';

/** Runs every configured plant: ticks the generation walk and publishes each new reading. */
@Injectable()
export class PlantSimulationService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PlantSimulationService.name);
  private readonly plants = new Map<string, PlantState>();
  private readonly mqtt: MqttConnection | null;
  private readonly publishFailures: Counter<'plant_id'>;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PLANT_SIMULATOR_CONFIG) private readonly config: PlantSimulatorConfig,
    readiness: ReadinessRegistry,
    metrics: MetricsService,
  ) {
    const baseSeed = config.seed ?? Math.floor(Math.random() * 2 ** 32);
    config.plants.forEach((plant, i) => {
      const random: Random = seededRandom((baseSeed + i * 0x9e3779b9) >>> 0);
      this.plants.set(plant.id, new PlantState(plant, random));
    });
    this.mqtt = config.mqtt ? new MqttConnection(config.mqtt, 'plant-simulator') : null;
    if (this.mqtt) {
      const mqtt = this.mqtt;
      readiness.register('mqtt', () => mqtt.state());
    }
    this.publishFailures = metrics.counter('plant_reading_publish_failures_total', 'Readings the broker did not take', [
      'plant_id',
    ]);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.tickAll(), this.config.intervalMs);
    this.logger.log(
      `simulating ${[...this.plants.keys()].join(', ')}; generation updated every ${this.config.intervalMs} ms`,
    );
    for (const plant of this.plants.values()) this.publish(plant);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.mqtt?.close();
  }

  /** The plant by id, or the first one when no id is given; unknown ids are a 404. */
  plant(plantId?: string): PlantState {
    const plant = plantId === undefined ? this.plants.values().next().value : this.plants.get(plantId);
    if (!plant) throw new NotFoundException(`Unknown plant_id: ${plantId}`);
    return plant;
  }

  setConsumption(consumptionMw: number, plantId?: string): PlantState {
    const plant = this.plant(plantId);
    plant.setConsumption(consumptionMw);
    this.logger.log(`${plant.id}: expected consumption set to ${consumptionMw} MW`);
    this.publish(plant);
    return plant;
  }

  setIrradiance(factor: number, plantId?: string): PlantState {
    const plant = this.plant(plantId);
    plant.setIrradiance(factor);
    this.logger.log(`${plant.id}: irradiance set to ${factor} of clear sky`);
    this.publish(plant);
    return plant;
  }

  tickAll(): void {
    for (const plant of this.plants.values()) {
      const reading = plant.tick();
      this.logger.debug(
        `${plant.id}: generation ${reading.totals.generation_mw} MW, exported ${reading.totals.exported_mw} MW`,
      );
      this.publish(plant);
    }
  }

  private publish(plant: PlantState): void {
    if (!this.mqtt) return;
    const message: PlantReadingMessage = { plant_id: plant.id, seq: plant.seq, reading: plant.reading };
    this.mqtt
      .publishJson(PLANT_TOPICS.reading(this.config.topicPrefix, plant.id), message, { retain: true })
      .catch((error: Error) => {
        this.publishFailures.inc({ plant_id: plant.id });
        this.logger.warn(`${plant.id}: reading not published: ${error.message}`);
      });
  }
}
