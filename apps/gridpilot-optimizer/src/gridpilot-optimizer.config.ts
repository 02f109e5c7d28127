import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  commonConfig,
  CommonConfig,
  ConfigError,
  DEFAULT_PLANT_ID,
  DEFAULT_PORTS,
  DOCUMENTED_PLANT_TOKEN,
  Env,
  MqttConfig,
  mqttConfig,
  MqttEnv,
  PLANT_ID_PATTERN,
  processEnv,
  refuseDefaultSecrets,
  validateEnv,
} from '@lib/config';

export const DEFAULT_GRIDPILOT_DATABASE_URL = 'sqlite:data/gridpilot-optimizer.sqlite';

const HTTP_URL = /^https?:\/\/.+/;
const httpMessage = { message: 'must be an http:// or https:// URL' };

/** A flexible load the optimizer may power: bounds, ramp and a concave value curve (its auction bid). */
export interface FlexibleLoadConfig {
  name: string;
  minKw: number;
  maxKw: number;
  /** Largest change between two steps (kW per step). */
  rampKwPerStep: number;
  /** Marginal value of each block of power, non-increasing ($/MWh). */
  blocks: { kw: number; valuePerMwh: number }[];
  /** Compute loads need cooling (COOLING_RATIO kW per kW); EV charging does not. */
  cooled: boolean;
}

/** The site's default flexible loads: document 003's inference and training, plus EV charging. */
export const DEFAULT_FLEXIBLE_LOADS: FlexibleLoadConfig[] = [
  {
    name: 'inference',
    minKw: 20,
    maxKw: 200,
    rampKwPerStep: 100,
    blocks: [
      { kw: 100, valuePerMwh: 140 },
      { kw: 100, valuePerMwh: 90 },
    ],
    cooled: true,
  },
  {
    name: 'training',
    minKw: 0,
    maxKw: 200,
    rampKwPerStep: 100,
    blocks: [
      { kw: 100, valuePerMwh: 75 },
      { kw: 100, valuePerMwh: 55 },
    ],
    cooled: true,
  },
  {
    name: 'ev_charging',
    minKw: 0,
    maxKw: 60,
    rampKwPerStep: 60,
    blocks: [
      { kw: 30, valuePerMwh: 120 },
      { kw: 30, valuePerMwh: 65 },
    ],
    cooled: false,
  },
];

export class GridpilotEnv extends MqttEnv {
  @IsOptional() @Matches(HTTP_URL, httpMessage) PLANT_URL?: string;
  @IsString()
  @Matches(/^\S{16,512}$/, { message: 'must be 16 to 512 characters without spaces' })
  PLANT_TOKEN = DOCUMENTED_PLANT_TOKEN;
  /** A service token (solarhub-api, POST /api/v1/auth/service-tokens) sent on calls to the other apps. */
  @IsOptional() @Matches(/^\S{16,8192}$/, { message: 'must be a token without spaces' }) SERVICE_TOKEN?: string;
  @Matches(PLANT_ID_PATTERN, { message: 'must be 1-64 letters, digits, ".", "_" or "-"' })
  PLANT_ID = DEFAULT_PLANT_ID;
  @Type(() => Number) @IsInt() @Min(100) @Max(60_000) PLANT_TIMEOUT_MS = 2000;

  @IsIn(['simulated', 'http']) PRICE_SOURCE: 'simulated' | 'http' = 'simulated';
  @IsOptional() @Matches(HTTP_URL, httpMessage) PRICE_URL?: string;
  @Type(() => Number) @IsInt() @Min(0) @Max(4_294_967_295) PRICE_SEED = 42;
  @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(10_000) PRICE_BASE_PER_MWH = 45;
  /** Days of simulated history written on the first start, so forecasts have data at once. */
  @Type(() => Number) @IsInt() @Min(0) @Max(90) PRICE_BACKFILL_DAYS = 14;
  @Type(() => Number) @IsIn([1, 5, 15, 60]) PRICE_INTERVAL_MIN = 5;
  @Type(() => Number) @IsInt() @Min(1) @Max(86_400) REFRESH_INTERVAL_S = 120;
  @Type(() => Number) @IsInt() @Min(1) @Max(3600) WS_INTERVAL_S = 5;

  @Type(() => Number) @IsInt() @Min(1) @Max(168) HORIZON_H = 24;
  @Type(() => Number) @IsIn([1, 5, 15, 30, 60]) STEP_MIN = 5;

  @Type(() => Number) @IsNumber() @Min(1) @Max(1_000_000) BATTERY_CAPACITY_KWH = 1000;
  @Type(() => Number) @IsNumber() @Min(0) @Max(1_000_000) BATTERY_MAX_POWER_KW = 250;
  /** One-way efficiency (charging and discharging each). */
  @Type(() => Number) @IsNumber() @Min(0.5) @Max(1) BATTERY_EFFICIENCY = 0.95;
  @Type(() => Number) @IsNumber() @Min(0) @Max(1) BATTERY_SOC_MIN = 0.1;
  @Type(() => Number) @IsNumber() @Min(0) @Max(1) BATTERY_SOC_MAX = 0.9;
  /** The SOC assumed until BESS telemetry arrives. */
  @Type(() => Number) @IsNumber() @Min(0) @Max(1) BATTERY_SOC_INITIAL = 0.5;

  @Type(() => Number) @IsNumber() @Min(1) @Max(10_000_000) SITE_POWER_KW = 1000;
  /** The band the net export to the grid must stay in (kW; negative means importing). */
  @Type(() => Number) @IsNumber() @Min(-10_000_000) @Max(10_000_000) EXPORT_MIN_KW = 0;
  @Type(() => Number) @IsNumber() @Min(-10_000_000) @Max(10_000_000) EXPORT_MAX_KW = 50;
  @Type(() => Number) @IsNumber() @Min(0) @Max(10_000) IMPORT_FEE_PER_MWH = 10;
  @Type(() => Number) @IsNumber() @Min(0) @Max(1) EXPORT_PRICE_FACTOR = 0.9;
  /** Cooling power per kW of compute (the inverse of the chiller's COP). */
  @Type(() => Number) @IsNumber() @Min(0) @Max(2) COOLING_RATIO = 0.3;
  /** JSON list of flexible loads: [{"name","min_kw","max_kw","ramp_kw_per_step","blocks":[{"kw","value_per_mwh"}],"cooled"}]. */
  @IsOptional() @IsString() FLEXIBLE_LOADS?: string;

  @IsIn(['true', 'false']) CONTROL_LOOP: 'true' | 'false' = 'true';
  @Type(() => Number) @IsNumber() @Min(0.2) @Max(3600) CONTROL_PERIOD_S = 5;
  @Type(() => Number) @IsNumber() @Min(0) @Max(86_400) MIN_ON_S = 60;
  @Type(() => Number) @IsNumber() @Min(0) @Max(86_400) MIN_OFF_S = 60;
  /** iot-mock devices that carry a load: "inference:mock-server-001,cooling:mock-hvac-001". */
  @IsOptional()
  @Matches(/^([a-z_]+:[A-Za-z0-9][A-Za-z0-9_.-]{0,63})(,[a-z_]+:[A-Za-z0-9][A-Za-z0-9_.-]{0,63})*$/, {
    message: 'must be a comma list of load:device-id pairs',
  })
  DISPATCH_DEVICES?: string;
  @Type(() => Number) @IsInt() @Min(100) @Max(60_000) DEVICE_COMMAND_TIMEOUT_MS = 3000;
  /**
   * What one EV session can draw at most (kW). Once ocpp-csms reports its stations, the
   * `ev_charging` load is planned up to this times the sessions open, never for cars that are not there.
   */
  @Type(() => Number) @IsNumber() @Min(0.1) @Max(1000) EV_SESSION_MAX_KW = 22;
  /** The iot-mock BESS that takes the plan's battery set-point (`set_power`, BessSetPointCommand). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'must be 1-64 letters, digits, ".", "_" or "-"' })
  BESS_DEVICE_ID?: string;
  /** ocpp-csms's CSMS_REDIS_PREFIX: on Redis the site limit goes to `<prefix>:v1.site.charging-limit.set`. */
  @IsOptional() @Matches(/^[A-Za-z0-9:_-]{1,64}$/) CSMS_REDIS_PREFIX = 'csms';
}

export interface GridpilotConfig extends CommonConfig {
  databaseUrl: string;
  mqtt: MqttConfig | null;
  /** The bus: Redis when REDIS_URL is set (channels `<CSMS_REDIS_PREFIX>:<pattern>`), else the broker. */
  bus: { redisUrl: string | null; mqtt: MqttConfig | null; channelPrefix: string };
  plant: { url: string | null; token: string; id: string; timeoutMs: number };
  /** Sent as the bearer on calls that need a site token (the plant's consumption once public reads are closed). */
  serviceToken: string | null;
  prices: {
    source: 'simulated' | 'http';
    url: string | null;
    seed: number;
    basePerMwh: number;
    backfillDays: number;
    intervalMin: number;
    refreshMs: number;
  };
  wsIntervalMs: number;
  horizon: { hours: number; stepMin: number };
  battery: {
    capacityKwh: number;
    maxPowerKw: number;
    efficiency: number;
    socMin: number;
    socMax: number;
    socInitial: number;
  };
  site: {
    powerKw: number;
    exportMinKw: number;
    exportMaxKw: number;
    importFeePerMwh: number;
    exportPriceFactor: number;
    coolingRatio: number;
  };
  loads: FlexibleLoadConfig[];
  control: { enabled: boolean; periodMs: number; minOnMs: number; minOffMs: number };
  dispatchDevices: Record<string, string>;
  deviceCommandTimeoutMs: number;
  /** The BESS the battery set-point goes to; null plans the battery without driving one. */
  bessDeviceId: string | null;
  /** The most one EV session draws (kW): bounds the `ev_charging` load by the sessions ocpp-csms reports. */
  evSessionMaxKw: number;
}

interface LoadJson {
  name?: unknown;
  min_kw?: unknown;
  max_kw?: unknown;
  ramp_kw_per_step?: unknown;
  blocks?: { kw?: unknown; value_per_mwh?: unknown }[];
  cooled?: unknown;
}

function parseLoads(text: string | undefined): FlexibleLoadConfig[] {
  if (!text) return DEFAULT_FLEXIBLE_LOADS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(['FLEXIBLE_LOADS: is not valid JSON']);
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new ConfigError(['FLEXIBLE_LOADS: must be a non-empty array']);
  const names = new Set<string>();
  return (parsed as LoadJson[]).map((l, i) => {
    const where = `FLEXIBLE_LOADS[${i}]`;
    const name = typeof l.name === 'string' && /^[a-z][a-z0-9_]{0,31}$/.test(l.name) ? l.name : null;
    if (!name) throw new ConfigError([`${where}.name: must be 1-32 lower-case letters, digits or "_"`]);
    if (names.has(name) || name === 'cooling') throw new ConfigError([`${where}.name: "${name}" is taken`]);
    names.add(name);
    const num = (v: unknown, field: string): number => {
      const n = Number(v);
      if (v === undefined || !Number.isFinite(n) || n < 0)
        throw new ConfigError([`${where}.${field}: must be a number >= 0`]);
      return n;
    };
    const minKw = num(l.min_kw ?? 0, 'min_kw');
    const maxKw = num(l.max_kw, 'max_kw');
    if (maxKw < minKw) throw new ConfigError([`${where}.max_kw: must not be below min_kw`]);
    const blocks = (Array.isArray(l.blocks) ? l.blocks : []).map((b, j) => ({
      kw: num(b.kw, `blocks[${j}].kw`),
      valuePerMwh: num(b.value_per_mwh, `blocks[${j}].value_per_mwh`),
    }));
    if (blocks.length === 0) throw new ConfigError([`${where}.blocks: must list at least one block`]);
    blocks.forEach((b, j) => {
      if (j > 0 && b.valuePerMwh > blocks[j - 1].valuePerMwh) {
        throw new ConfigError([`${where}.blocks: values must not increase (a concave bid)`]);
      }
    });
    return {
      name,
      minKw,
      maxKw,
      rampKwPerStep: num(l.ramp_kw_per_step ?? maxKw, 'ramp_kw_per_step'),
      blocks,
      cooled: l.cooled === true,
    };
  });
}

function parseDevices(text: string | undefined): Record<string, string> {
  const devices: Record<string, string> = {};
  for (const pair of text ? text.split(',') : []) {
    const [load, device] = pair.split(':');
    devices[load] = device;
  }
  return devices;
}

export function loadGridpilotConfig(env: Env = processEnv()): GridpilotConfig {
  const e = validateEnv(GridpilotEnv, env);
  if (e.PRICE_SOURCE === 'http' && !e.PRICE_URL)
    throw new ConfigError(['PRICE_URL: is required with PRICE_SOURCE=http']);
  if (e.BATTERY_SOC_MAX < e.BATTERY_SOC_MIN)
    throw new ConfigError(['BATTERY_SOC_MAX: must not be below BATTERY_SOC_MIN']);
  if (e.EXPORT_MAX_KW < e.EXPORT_MIN_KW) throw new ConfigError(['EXPORT_MAX_KW: must not be below EXPORT_MIN_KW']);
  if ((e.HORIZON_H * 60) % e.STEP_MIN !== 0) throw new ConfigError(['STEP_MIN: must divide the horizon']);
  refuseDefaultSecrets(e.NODE_ENV === 'production' && e.PLANT_URL !== undefined, [
    { name: 'PLANT_TOKEN', value: e.PLANT_TOKEN, developmentDefault: DOCUMENTED_PLANT_TOKEN },
  ]);
  const loads = parseLoads(e.FLEXIBLE_LOADS);
  const devices = parseDevices(e.DISPATCH_DEVICES);
  const known = new Set([...loads.map((l) => l.name), 'cooling']);
  for (const load of Object.keys(devices)) {
    if (!known.has(load))
      throw new ConfigError([`DISPATCH_DEVICES: "${load}" is not a load (${[...known].join(', ')})`]);
  }
  const mqtt = mqttConfig(e, 'gridpilot-optimizer');
  return {
    ...commonConfig(e, DEFAULT_PORTS['gridpilot-optimizer']),
    databaseUrl: e.DATABASE_URL ?? DEFAULT_GRIDPILOT_DATABASE_URL,
    mqtt,
    bus: { redisUrl: e.REDIS_URL ?? null, mqtt, channelPrefix: e.CSMS_REDIS_PREFIX },
    plant: {
      url: e.PLANT_URL?.replace(/\/+$/, '') ?? null,
      token: e.PLANT_TOKEN,
      id: e.PLANT_ID,
      timeoutMs: e.PLANT_TIMEOUT_MS,
    },
    serviceToken: e.SERVICE_TOKEN ?? null,
    prices: {
      source: e.PRICE_SOURCE,
      url: e.PRICE_URL ?? null,
      seed: e.PRICE_SEED,
      basePerMwh: e.PRICE_BASE_PER_MWH,
      backfillDays: e.PRICE_BACKFILL_DAYS,
      intervalMin: e.PRICE_INTERVAL_MIN,
      refreshMs: e.REFRESH_INTERVAL_S * 1000,
    },
    wsIntervalMs: e.WS_INTERVAL_S * 1000,
    horizon: { hours: e.HORIZON_H, stepMin: e.STEP_MIN },
    battery: {
      capacityKwh: e.BATTERY_CAPACITY_KWH,
      maxPowerKw: e.BATTERY_MAX_POWER_KW,
      efficiency: e.BATTERY_EFFICIENCY,
      socMin: e.BATTERY_SOC_MIN,
      socMax: e.BATTERY_SOC_MAX,
      socInitial: Math.min(e.BATTERY_SOC_MAX, Math.max(e.BATTERY_SOC_MIN, e.BATTERY_SOC_INITIAL)),
    },
    site: {
      powerKw: e.SITE_POWER_KW,
      exportMinKw: e.EXPORT_MIN_KW,
      exportMaxKw: e.EXPORT_MAX_KW,
      importFeePerMwh: e.IMPORT_FEE_PER_MWH,
      exportPriceFactor: e.EXPORT_PRICE_FACTOR,
      coolingRatio: e.COOLING_RATIO,
    },
    loads,
    control: {
      enabled: e.CONTROL_LOOP === 'true',
      periodMs: Math.round(e.CONTROL_PERIOD_S * 1000),
      minOnMs: e.MIN_ON_S * 1000,
      minOffMs: e.MIN_OFF_S * 1000,
    },
    dispatchDevices: devices,
    deviceCommandTimeoutMs: e.DEVICE_COMMAND_TIMEOUT_MS,
    bessDeviceId: e.BESS_DEVICE_ID ?? null,
    evSessionMaxKw: e.EV_SESSION_MAX_KW,
  };
}
