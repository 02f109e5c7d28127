import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { http } from '../../../test/support/http';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'plant-simulator', 'main.js');

interface Run {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** The production entry point, `node dist/apps/plant-simulator/main.js`, with document 000's options. */
describe('plant-simulator from the command line', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), 'plant-simulator'], { cwd: ROOT });
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout.toString()}${build.stderr.toString()}`);
  }, 120_000);

  it('takes the documented options, serves, logs each update with --debug and drains on SIGTERM', async () => {
    const port = 18000 + (process.pid % 1000);
    const token = 'cli-token-0123456789abcdef';
    const plant = run([
      '--gen-min',
      '0.2',
      '--gen-max',
      '0.3',
      '--step',
      '0.02',
      '--interval',
      '0.2',
      '--port',
      String(port),
      '--token',
      token,
      '--debug',
    ]);
    try {
      let health = await http<{ generation_range?: number[] }>(`http://127.0.0.1:${port}/health`).catch(() => null);
      for (let i = 0; i < 50 && !health; i++) {
        await new Promise((r) => setTimeout(r, 200));
        health = await http<{ generation_range?: number[] }>(`http://127.0.0.1:${port}/health`).catch(() => null);
      }
      expect(health?.body.generation_range).toEqual([0.2, 0.3]);
      const latest = await http<{ reading: { totals: { generation_mw: number } } }>(
        `http://127.0.0.1:${port}/data/latest?plant_id=complexo-paranhos`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(latest.body.reading.totals.generation_mw).toBeGreaterThanOrEqual(0.2);
      await new Promise((r) => setTimeout(r, 600));
      expect(plant.output()).toMatch(/"level":20.*generation [\d.]+ MW/);
    } finally {
      plant.child.kill('SIGTERM');
    }
    expect(await plant.exit).toBe(0);
    expect(plant.output()).toContain('SIGTERM: draining connections');
    expect(plant.output()).toContain('"msg":"stopped"');
  });

  it.each([
    [['--gen-min', 'abc'], {}, 'GEN_MIN_MW'],
    [['--gen-min', '0.5', '--gen-max', '0.1'], {}, 'GEN_MAX_MW'],
    [['--port', 'http'], {}, 'PORT'],
    [[], { NODE_ENV: 'production' }, 'PLANT_TOKEN'],
  ])('stops at start-up on %p %p with a message naming %s', async (args, env, name) => {
    const plant = run(args, env);
    expect(await plant.exit).toBe(1);
    expect(plant.output()).toContain(name);
    expect(plant.output()).not.toMatch(/at .*\.js:\d+/);
  });
});
