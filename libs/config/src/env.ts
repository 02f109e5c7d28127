import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The process's environment: the one place that reads `process.env`. Each app's loader
 * (`apps/<app>/src/<app>.config.ts`) takes it as its default and validates it with `validateEnv`.
 */
export function processEnv(): Env {
  return process.env;
}

/** A bad or missing setting. The message names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const got = error.value === undefined ? 'unset' : JSON.stringify(error.value);
  return `${error.property}: ${reasons} (got ${got})`;
}

/**
 * Validates the raw environment against a class-validator schema. Empty strings count as unset,
 * so `PORT=` behaves like no PORT at all. Values are converted by the schema's @Type decorators.
 */
export function validateEnv<T extends object>(schema: new () => T, env: Env): T {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const instance = plainToInstance(schema, raw, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors.map(describe));
  return instance;
}

export interface SecretSetting {
  name: string;
  value: string;
  /** The value a development machine gets without configuration; refused in production. */
  developmentDefault: string;
}

/** The secrets left at the value the repository ships (or empty), in production. */
export function defaultSecretProblems(isProduction: boolean, secrets: SecretSetting[]): string[] {
  if (!isProduction) return [];
  return secrets
    .filter((s) => s.value === s.developmentDefault || s.value.length === 0)
    .map((s) => `${s.name}: must be set to a non-default secret when NODE_ENV=production`);
}

/** In production a secret must be set, and not to the value the repository ships. */
export function refuseDefaultSecrets(isProduction: boolean, secrets: SecretSetting[]): void {
  const problems = defaultSecretProblems(isProduction, secrets);
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Runs a part of the loading, collecting its ConfigError's problems so that one message names them all. */
export function collectProblems<T>(problems: string[], load: () => T): T | null {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return null;
  }
}
