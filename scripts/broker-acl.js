#!/usr/bin/env node
// Renders Mosquitto's acl_file from the one ACL table (libs/messaging/src/broker-acl.js) into
// deploy/mosquitto/acl and its copy k8s/mosquitto/acl (kustomize reads no file above k8s/).
// `--check` fails when a committed file differs (test/broker-acl.spec.ts checks the same).
const fs = require('node:fs');
const path = require('node:path');
const { renderMosquittoAcl } = require('../libs/messaging/src/broker-acl');

const root = path.join(__dirname, '..');
const targets = ['deploy/mosquitto/acl', 'k8s/mosquitto/acl'];
const rendered = renderMosquittoAcl();
for (const target of targets) {
  const file = path.join(root, target);
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (committed !== rendered) {
      console.error(`${target} is out of date: run \`node scripts/broker-acl.js\``);
      process.exitCode = 1;
    }
  } else {
    fs.writeFileSync(file, rendered);
    console.log(`wrote ${target}`);
  }
}
