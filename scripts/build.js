// Builds every app (or those named) into dist/apps/<app>/main.js with Nest's webpack build (and the
// console's web app into dist/apps/console/web with Vite).
// An app whose sources have not changed since its last build is not built again (`--force` builds
// anyway): the fingerprint covers the app's folder, every lib, the lock file and the build settings.
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const ALL = ['solarhub-api', 'gridpilot-optimizer', 'ocpp-csms', 'plant-simulator', 'iot-mock', 'console'];
const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const args = process.argv.slice(2);
const force = args.includes('--force');
const named = args.filter((a) => a !== '--force');
const apps = named.length > 0 ? named : ALL;
const nest = path.join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
const SHARED = [
  'libs',
  'scripts/build.js',
  'package-lock.json',
  'webpack.config.js',
  'nest-cli.json',
  'tsconfig.base.json',
  'tsconfig.json',
];

function addTree(hash, file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(file).sort()) {
      if (entry === 'node_modules' || entry === 'test' || entry.endsWith('.spec.ts')) continue;
      addTree(hash, path.join(file, entry));
    }
    return;
  }
  hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
}

function fingerprint(app) {
  const hash = createHash('sha256');
  for (const part of [path.join('apps', app), ...SHARED]) addTree(hash, path.join(ROOT, part));
  return hash.digest('hex');
}

// Nest 12 announces on every build that its webpack compiler is deprecated; we know, and the notice
// is noise in every `npm start`.
const NOISE = /webpack compiler is deprecated|^\s*$/;

for (const app of apps) {
  if (!ALL.includes(app)) {
    console.error(`unknown app "${app}"; one of: ${ALL.join(', ')}`);
    process.exit(2);
  }
  const out = path.join(ROOT, 'dist', 'apps', app);
  const stamp = path.join(out, '.sources.sha256');
  const current = fingerprint(app);
  if (
    !force &&
    fs.existsSync(path.join(out, 'main.js')) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8').trim() === current
  ) {
    console.log(`${app} is up to date (dist/apps/${app}/main.js)`);
    continue;
  }
  const started = Date.now();
  const result = spawnSync(process.execPath, [nest, 'build', app], { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  const stdout = result.stdout.toString();
  const stderr = result.stderr
    .toString()
    .split('\n')
    .filter((line) => !NOISE.test(line))
    .join('\n');
  if (stderr) process.stderr.write(`${stderr}\n`);
  if (result.status !== 0 || /compiled with .*error/.test(stdout)) {
    process.stdout.write(stdout);
    console.error(`build of ${app} failed`);
    process.exit(1);
  }
  // The console's web app: Vite builds apps/console/web into dist/apps/console/web, which its host serves.
  if (app === 'console') {
    const web = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/console/web/vite.config.ts'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
      // Always the production bundle: Vite builds React's development variant when NODE_ENV says
      // otherwise (jest runs with NODE_ENV=test), and the build is reused while the sources stand.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (web.status !== 0) {
      process.stdout.write(web.stdout.toString());
      process.stderr.write(web.stderr.toString());
      console.error('build of the console web app failed');
      process.exit(1);
    }
  }
  fs.writeFileSync(stamp, `${current}\n`);
  console.log(`built ${app} -> dist/apps/${app}/main.js (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
