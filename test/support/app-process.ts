import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { eventually, http } from './http';
import { freePort } from './infra';

const ROOT = join(__dirname, '..', '..');
/** Output kept per process for the failure message: the tail, not the whole run. */
const OUTPUT_KEPT = 64 * 1024;

/** Builds the apps into dist/ (scripts/build.js skips an app whose sources did not change). */
export function buildApps(...apps: string[]): void {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), ...apps], { cwd: ROOT });
  if (build.status !== 0) throw new Error(`build failed: ${build.stdout.toString()}${build.stderr.toString()}`);
}

/** An app running as production runs it: `node dist/apps/<app>/main.js`, configured by its environment. */
export interface AppProcess {
  name: string;
  process: ChildProcessWithoutNullStreams;
  url: string;
  port: number;
  /** The tail of its stdout and stderr. */
  output: () => string;
  /** SIGTERM, and waits for it to exit. */
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** The HTTP port; a free one by default. */
  port?: number;
  /** Polled until it answers 200 (default `/health/ready`). */
  readyPath?: string;
  readyTimeoutMs?: number;
}

/** Starts dist/apps/<app>/main.js on loopback with `env` (and PATH) only, and waits until it is ready. */
export async function startApp(
  app: string,
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [join(ROOT, `dist/apps/${app}/main.js`)], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const ready = await eventually(
    () => http(`${url}${options.readyPath ?? '/health/ready'}`).catch(() => ({ status: 0 })),
    (r) => r.status === 200 || child.exitCode !== null,
    options.readyTimeoutMs ?? 30_000,
  );
  if (ready.status !== 200) {
    child.kill('SIGKILL');
    throw new Error(`${app} did not become ready (exit ${child.exitCode}):\n${output}`);
  }
  return {
    name: app,
    process: child,
    url,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
