// Builds every app (or those named) into dist/apps/<app>/main.js with Nest's webpack build.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ALL = ['solarhub-api', 'gridpilot-optimizer', 'ocpp-csms', 'plant-simulator', 'iot-mock'];
const apps = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
const nest = path.join(__dirname, '..', 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');

for (const app of apps) {
  if (!ALL.includes(app)) {
    console.error(`unknown app "${app}"; one of: ${ALL.join(', ')}`);
    process.exit(2);
  }
  const started = Date.now();
  const result = spawnSync(process.execPath, [nest, 'build', app], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: path.join(__dirname, '..'),
  });
  const out = result.stdout.toString();
  if (result.status !== 0 || /compiled with .*error/.test(out)) {
    process.stdout.write(out);
    console.error(`build of ${app} failed`);
    process.exit(1);
  }
  console.log(`built ${app} -> dist/apps/${app}/main.js (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
