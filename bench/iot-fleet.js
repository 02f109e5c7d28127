#!/usr/bin/env node
// Fleet scale of iot-mock: N devices publishing every second at QoS 1 to a real broker, with a
// consumer counting messages and seq gaps, and the CPU the simulator process used.
// Target: 10,000 devices at 1 s from one process, zero gaps at QoS 1, under one core.
//   node bench/iot-fleet.js [--devices 10000] [--duration 30] [--mqtt mqtt://127.0.0.1:1883]
// Needs `npm run build` and the mosquitto binary: unless --mqtt is given, it starts its own
// Mosquitto with the repository's deploy/mosquitto/mosquitto.conf (the queue limit matters: the
// stock default of 1,000 queued messages per client drops QoS 1 messages at this rate).
// Uses a fresh SQLite file.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const mqtt = require('mqtt');
const { benchAuth, cpuSeconds, rssMb, startApp, startBroker } = require('./lib');

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '30' },
    mqtt: { type: 'string' },
    'broker-port': { type: 'string', default: '18883' },
    port: { type: 'string', default: '18891' },
  },
});
const devices = Number(values.devices);
const durationS = Number(values.duration);
const port = Number(values.port);
const prefix = `bench-${process.pid}`;

async function createDevices(base) {
  const types = ['hvac', 'lighting', 'server', 'industrial', 'appliance'];
  let next = 0;
  const worker = async () => {
    while (next < devices) {
      const i = next++;
      const res = await fetch(`${base}/api/v1/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...benchAuth('admin') },
        body: JSON.stringify({ device_type: types[i % 5], name: `bench ${i}`, device_id: `${prefix}-${i}` }),
      });
      if (res.status !== 201) throw new Error(`creating device ${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'iot-bench-'));
  const own = values.mqtt ? null : await startBroker(dir, Number(values['broker-port']));
  const brokerUrl = values.mqtt ?? own.url;
  const server = await startApp('iot-mock', port, [], {
    MQTT_URL: brokerUrl,
    DATABASE_URL: `sqlite:${path.join(dir, 'iot.sqlite')}`,
    SIMULATION_INTERVAL: '1',
    SIMULATION_AUTOSTART: 'false',
    DEFAULT_DEVICES: 'false',
  });
  const base = `http://127.0.0.1:${port}`;
  const consumer = await mqtt.connectAsync(brokerUrl, { clientId: `${prefix}-consumer` });
  try {
    const t0 = Date.now();
    await createDevices(base);
    const createdS = (Date.now() - t0) / 1000;
    const lastSeq = new Map();
    let messages = 0;
    let gaps = 0;
    let counting = false;
    consumer.on('message', (_topic, payload) => {
      const m = JSON.parse(payload.toString());
      if (!m.device_id.startsWith(prefix)) return;
      const previous = lastSeq.get(m.device_id);
      if (previous !== undefined && m.seq !== previous + 1) gaps += m.seq - previous - 1;
      lastSeq.set(m.device_id, m.seq);
      if (counting) messages++;
    });
    await consumer.subscribeAsync('energy/devices/+/data', { qos: 1 });
    await fetch(`${base}/api/v1/simulation/start`, { method: 'POST', headers: benchAuth('operator') });
    await new Promise((r) => setTimeout(r, 3000)); // every device spread over its first interval
    const cpu0 = cpuSeconds(server.pid);
    const w0 = Date.now();
    counting = true;
    await new Promise((r) => setTimeout(r, durationS * 1000));
    counting = false;
    const wallS = (Date.now() - w0) / 1000;
    const cpuPct = ((cpuSeconds(server.pid) - cpu0) / wallS) * 100;
    const status = await (await fetch(`${base}/api/v1/simulation/status`, { headers: benchAuth('viewer') })).json();
    console.log(
      JSON.stringify(
        {
          bench: 'iot-mock fleet',
          broker: own ? 'mosquitto with deploy/mosquitto/mosquitto.conf' : brokerUrl,
          devices,
          intervalS: 1,
          qos: 1,
          createdInS: createdS,
          messagesPerSecond: Math.round(messages / wallS),
          expectedPerSecond: devices,
          gaps,
          simulatorCpuPctOfOneCore: Math.round(cpuPct),
          simulatorRssMb: Math.round(rssMb(server.pid)),
          publishFailures: status.messages_failed,
          targets: { devices: 10000, gaps: 0, cpuPctOfOneCore: '< 100' },
        },
        null,
        2,
      ),
    );
  } finally {
    await consumer.endAsync();
    const stopped = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await stopped;
    own?.broker.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

run().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
