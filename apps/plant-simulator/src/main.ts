import 'reflect-metadata';
import { loadPlantSimulatorConfig } from './plant-simulator.config';
import { listen, runMain } from '@lib/observability';
import { createPlantSimulatorApp } from './app.factory';

void runMain(async () => {
  const config = loadPlantSimulatorConfig(process.argv.slice(2));
  const app = await createPlantSimulatorApp(config);
  await listen(app, config, 'plant-simulator');
});
