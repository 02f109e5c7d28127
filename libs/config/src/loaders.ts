import { loadConsoleConfig } from './console.config';
import { loadGridpilotConfig } from './gridpilot.config';
import type { CommonConfig } from './common';
import type { Env } from './env';
import { loadIotMockConfig } from './iot-mock.config';
import { loadOcppCsmsConfig } from './ocpp-csms.config';
import { loadPlantSimulatorConfig } from './plant-simulator.config';
import { loadSolarhubConfig } from './solarhub.config';
import type { AppName } from './ports';

/** Each app's configuration loader, by app: used by the deployment checks to validate manifests. */
export const APP_CONFIG_LOADERS: Record<AppName, (env: Env) => CommonConfig> = {
  'solarhub-api': (env) => loadSolarhubConfig(env),
  'gridpilot-optimizer': (env) => loadGridpilotConfig(env),
  'ocpp-csms': (env) => loadOcppCsmsConfig(env),
  'plant-simulator': (env) => loadPlantSimulatorConfig([], env),
  'iot-mock': (env) => loadIotMockConfig(env),
  console: (env) => loadConsoleConfig(env),
};
