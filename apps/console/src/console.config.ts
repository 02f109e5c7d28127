import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  CommonConfig,
  commonConfig,
  DEFAULT_PLANT_ID,
  DEFAULT_PORTS,
  Env,
  MqttConfig,
  mqttConfig,
  MqttEnv,
  PLANT_ID_PATTERN,
  processEnv,
  siteTimezone,
  validateEnv,
} from '@lib/config';

const HTTP_URL = /^https?:\/\/[^\s]+$/;
const httpMessage = { message: 'must be an http:// or https:// URL' };

/** The apps the console proxies, by the path segment it serves them under (`/api/<name>/…`). */
export const CONSOLE_UPSTREAMS = ['solarhub', 'gridpilot', 'csms', 'iot', 'plant'] as const;
export type ConsoleUpstreamName = (typeof CONSOLE_UPSTREAMS)[number];

export const CONSOLE_UPSTREAM_APPS: Record<ConsoleUpstreamName, Exclude<keyof typeof DEFAULT_PORTS, 'console'>> = {
  solarhub: 'solarhub-api',
  gridpilot: 'gridpilot-optimizer',
  csms: 'ocpp-csms',
  iot: 'iot-mock',
  plant: 'plant-simulator',
};

export class ConsoleEnv extends MqttEnv {
  @IsOptional() @Matches(HTTP_URL, httpMessage) SOLARHUB_API_URL?: string;
  @IsOptional() @Matches(HTTP_URL, httpMessage) GRIDPILOT_URL?: string;
  @IsOptional() @Matches(HTTP_URL, httpMessage) CSMS_URL?: string;
  @IsOptional() @Matches(HTTP_URL, httpMessage) IOT_MOCK_URL?: string;
  @IsOptional() @Matches(HTTP_URL, httpMessage) PLANT_URL?: string;

  /** The plant the site page shows (plant-simulator's PLANT_ID). */
  @Matches(PLANT_ID_PATTERN, { message: 'must be 1-64 letters, digits, ".", "_" or "-"' })
  PLANT_ID = DEFAULT_PLANT_ID;

  /** Where the built web app is; unset: `web/` beside the host's main.js. */
  @IsOptional() @IsString() CONSOLE_WEB_DIR?: string;

  /** How often bus updates are sent to each browser, batched with only the latest value per item (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(10_000)
  CONSOLE_LIVE_FLUSH_MS = 500;

  /** How often the host asks each app for its /health/ready (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(60_000)
  CONSOLE_HEALTH_INTERVAL_MS = 5000;

  /** How long a proxied call may take before the console answers 504 (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(300_000)
  CONSOLE_PROXY_TIMEOUT_MS = 30_000;
}

export interface ConsoleUpstream {
  name: ConsoleUpstreamName;
  app: keyof typeof DEFAULT_PORTS;
  url: string;
}

export interface ConsoleConfig extends CommonConfig {
  upstreams: ConsoleUpstream[];
  plantId: string;
  webDir: string | null;
  liveFlushMs: number;
  healthIntervalMs: number;
  proxyTimeoutMs: number;
  mqtt: MqttConfig | null;
}

export function loadConsoleConfig(env: Env = processEnv()): ConsoleConfig {
  const e = validateEnv(ConsoleEnv, env);
  const given: Record<ConsoleUpstreamName, string | undefined> = {
    solarhub: e.SOLARHUB_API_URL,
    gridpilot: e.GRIDPILOT_URL,
    csms: e.CSMS_URL,
    iot: e.IOT_MOCK_URL,
    plant: e.PLANT_URL,
  };
  return {
    ...commonConfig(e, DEFAULT_PORTS.console),
    upstreams: CONSOLE_UPSTREAMS.map((name) => {
      const app = CONSOLE_UPSTREAM_APPS[name];
      const url = given[name] ?? `http://127.0.0.1:${DEFAULT_PORTS[app]}`;
      return { name, app, url: url.replace(/\/+$/, '') };
    }),
    plantId: e.PLANT_ID,
    // Days, totals and clocks on the page: the site's zone, else the host's.
    timezone: siteTimezone(e, Intl.DateTimeFormat().resolvedOptions().timeZone),
    webDir: e.CONSOLE_WEB_DIR ?? null,
    liveFlushMs: e.CONSOLE_LIVE_FLUSH_MS,
    healthIntervalMs: e.CONSOLE_HEALTH_INTERVAL_MS,
    proxyTimeoutMs: e.CONSOLE_PROXY_TIMEOUT_MS,
    mqtt: mqttConfig(e, 'console'),
  };
}
