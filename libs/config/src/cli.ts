import { parseArgs } from 'node:util';
import { ConfigError, Env } from './env';

/** A command-line option and the environment variable it stands for. */
export interface CliOption {
  flag: string;
  env: string;
  boolean?: boolean;
}

/**
 * Reads `--flag value` options into their environment names, so one schema validates both.
 * Options win over the environment. An unknown option stops the app with its name.
 */
export function argvToEnv(argv: readonly string[], options: readonly CliOption[]): Env {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        options.map((o) => [o.flag, { type: o.boolean ? ('boolean' as const) : ('string' as const) }]),
      ),
    }));
  } catch (error) {
    throw new ConfigError([`command line: ${(error as Error).message}`]);
  }
  const env: Record<string, string> = {};
  for (const option of options) {
    const value = values[option.flag];
    if (value !== undefined) env[option.env] = String(value);
  }
  return env;
}
