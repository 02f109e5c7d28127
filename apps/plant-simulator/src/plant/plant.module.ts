import { DynamicModule, Module } from '@nestjs/common';
import type { PlantSimulatorConfig } from '../plant-simulator.config';
import { PlantSimulationService } from './plant-simulation.service';
import { PlantController } from './plant.controller';
import { PLANT_SIMULATOR_CONFIG } from './plant.tokens';

@Module({})
export class PlantModule {
  static forRoot(config: PlantSimulatorConfig): DynamicModule {
    return {
      module: PlantModule,
      controllers: [PlantController],
      providers: [{ provide: PLANT_SIMULATOR_CONFIG, useValue: config }, PlantSimulationService],
    };
  }
}
