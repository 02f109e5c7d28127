import type { AppName, CommonConfig, Env } from '@lib/config';
import { loadConsoleConfig } from '../../apps/console/src/console.config';
import { loadGridpilotConfig } from '../../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadIotMockConfig } from '../../apps/iot-mock/src/iot-mock.config';
import { loadOcppCsmsConfig } from '../../apps/ocpp-csms/src/ocpp-csms.config';
import { loadPlantSimulatorConfig } from '../../apps/plant-simulator/src/plant-simulator.config';
import { loadSolarhubConfig } from '../../apps/solarhub-api/src/solarhub-api.config';

/**
 * Each app's configuration loader, by app: the deployment checks validate the manifests with them
 * and test/app-config.spec.ts checks the settings every app shares. Each app owns its loader
 * (`apps/<app>/src/<app>.config.ts`); only the whole-site tests in test/ see them all.
 */
export const APP_CONFIG_LOADERS: Record<AppName, (env: Env) => CommonConfig> = {
  'solarhub-api': (env) => loadSolarhubConfig(env),
  'gridpilot-optimizer': (env) => loadGridpilotConfig(env),
  'ocpp-csms': (env) => loadOcppCsmsConfig(env),
  'plant-simulator': (env) => loadPlantSimulatorConfig([], env),
  'iot-mock': (env) => loadIotMockConfig(env),
  console: (env) => loadConsoleConfig(env),
};
