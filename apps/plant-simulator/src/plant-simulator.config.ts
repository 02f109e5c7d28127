import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  argvToEnv,
  CliOption,
  CommonConfig,
  commonConfig,
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

// The documented token and plant id are shared with the apps that call this plant: libs/config/src/plant.ts.
const PLANT_ID = PLANT_ID_PATTERN;

export class PlantSimulatorEnv extends MqttEnv {
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  GEN_MIN_MW = 0.1;

  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  GEN_MAX_MW = 0.5;

  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  STEP_MW = 0.01;

  /** Seconds between generation updates; fractions allowed (the document's default is 10). */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.05)
  @Max(86_400)
  INTERVAL_S = 10;

  @IsString()
  @Matches(/^\S{16,512}$/, { message: 'must be 16 to 512 characters without spaces' })
  PLANT_TOKEN = DOCUMENTED_PLANT_TOKEN;

  @Matches(PLANT_ID, { message: 'must be 1-64 letters, digits, ".", "_" or "-"' })
  PLANT_ID = DEFAULT_PLANT_ID;

  /** More plants: a comma list of ids, or JSON [{"id", "gen_min_mw", "gen_max_mw", "step_mw"}]. */
  @IsOptional()
  @IsString()
  PLANTS?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(4_294_967_295)
  PLANT_SEED?: number;

  @IsIn(['true', 'false'])
  DEBUG: 'true' | 'false' = 'false';

  /** Topic prefix for published readings; the reading goes to `<prefix>/<plant_id>/reading`. */
  @Matches(/^[^#+]+$/, { message: 'must be an MQTT topic without wildcards' })
  PLANT_TOPIC_PREFIX = 'energy/plants';
}

export interface PlantConfig {
  id: string;
  genMinMw: number;
  genMaxMw: number;
  stepMw: number;
}

export interface PlantSimulatorConfig extends CommonConfig {
  plants: PlantConfig[];
  intervalMs: number;
  token: string;
  seed: number | null;
  mqtt: MqttConfig | null;
  topicPrefix: string;
}

/** Document 000's command line, as written, plus `--seed`, `--plant-id` and `--host`. */
export const PLANT_SIMULATOR_CLI: readonly CliOption[] = [
  { flag: 'gen-min', env: 'GEN_MIN_MW' },
  { flag: 'gen-max', env: 'GEN_MAX_MW' },
  { flag: 'step', env: 'STEP_MW' },
  { flag: 'interval', env: 'INTERVAL_S' },
  { flag: 'port', env: 'PORT' },
  { flag: 'host', env: 'HOST' },
  { flag: 'token', env: 'PLANT_TOKEN' },
  { flag: 'seed', env: 'PLANT_SEED' },
  { flag: 'plant-id', env: 'PLANT_ID' },
  { flag: 'debug', env: 'DEBUG', boolean: true },
];

interface PlantJson {
  id?: unknown;
  gen_min_mw?: unknown;
  gen_max_mw?: unknown;
  step_mw?: unknown;
}

function parsePlants(env: PlantSimulatorEnv, base: Omit<PlantConfig, 'id'>): PlantConfig[] {
  if (!env.PLANTS) return [{ id: env.PLANT_ID, ...base }];
  const text = env.PLANTS.trim();
  let plants: PlantConfig[];
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConfigError(['PLANTS: is not valid JSON']);
    }
    if (!Array.isArray(parsed)) throw new ConfigError(['PLANTS: must be a JSON array']);
    plants = (parsed as PlantJson[]).map((p) => ({
      id: typeof p.id === 'string' ? p.id : '',
      genMinMw: p.gen_min_mw === undefined ? base.genMinMw : Number(p.gen_min_mw),
      genMaxMw: p.gen_max_mw === undefined ? base.genMaxMw : Number(p.gen_max_mw),
      stepMw: p.step_mw === undefined ? base.stepMw : Number(p.step_mw),
    }));
  } else {
    plants = text.split(',').map((id) => ({ id: id.trim(), ...base }));
  }
  const ids = new Set<string>();
  plants.forEach((plant, i) => {
    if (!PLANT_ID.test(plant.id)) throw new ConfigError([`PLANTS[${i}].id: "${plant.id}" is not a valid plant id`]);
    if (ids.has(plant.id)) throw new ConfigError([`PLANTS[${i}].id: "${plant.id}" appears twice`]);
    ids.add(plant.id);
    assertPlantBounds(plant, `PLANTS[${i}]`);
  });
  if (plants.length === 0) throw new ConfigError(['PLANTS: lists no plant']);
  return plants;
}

function assertPlantBounds(plant: PlantConfig, where: string): void {
  const { genMinMw, genMaxMw, stepMw } = plant;
  const finite = [genMinMw, genMaxMw, stepMw].every((v) => Number.isFinite(v) && v >= 0);
  if (!finite) throw new ConfigError([`${where}: gen_min_mw, gen_max_mw and step_mw must be numbers >= 0`]);
  if (genMaxMw < genMinMw) {
    throw new ConfigError([`${where}: GEN_MAX_MW (${genMaxMw}) must not be below GEN_MIN_MW (${genMinMw})`]);
  }
}

export function loadPlantSimulatorConfig(argv: readonly string[] = [], env: Env = processEnv()): PlantSimulatorConfig {
  const merged = { ...env, ...argvToEnv(argv, PLANT_SIMULATOR_CLI) };
  const e = validateEnv(PlantSimulatorEnv, merged);
  const base = { genMinMw: e.GEN_MIN_MW, genMaxMw: e.GEN_MAX_MW, stepMw: e.STEP_MW };
  assertPlantBounds({ id: e.PLANT_ID, ...base }, 'GEN_MIN_MW/GEN_MAX_MW');
  refuseDefaultSecrets(e.NODE_ENV === 'production', [
    { name: 'PLANT_TOKEN', value: e.PLANT_TOKEN, developmentDefault: DOCUMENTED_PLANT_TOKEN },
  ]);
  const common = commonConfig(e, DEFAULT_PORTS['plant-simulator']);
  return {
    ...common,
    log: { ...common.log, level: e.DEBUG === 'true' ? 'debug' : common.log.level },
    plants: parsePlants(e, base),
    intervalMs: Math.round(e.INTERVAL_S * 1000),
    token: e.PLANT_TOKEN,
    seed: e.PLANT_SEED ?? null,
    mqtt: mqttConfig(e, 'plant-simulator'),
    topicPrefix: e.PLANT_TOPIC_PREFIX,
  };
}
