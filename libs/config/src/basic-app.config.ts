import { CommonConfig, CommonEnv, commonConfig } from './common';
import { Env, validateEnv } from './env';
import { AppName, DEFAULT_PORTS } from './ports';

/**
 * The configuration of an app whose own issue has not landed yet: HTTP, logging and shutdown.
 * Each app replaces this with its own schema when it grows its features.
 */
export function loadBasicAppConfig(app: AppName, env: Env = process.env): CommonConfig {
  return commonConfig(validateEnv(CommonEnv, env), DEFAULT_PORTS[app]);
}
