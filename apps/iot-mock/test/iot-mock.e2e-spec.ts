import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadIotMockConfig } from '../src/iot-mock.config';
import {
  BessData,
  DEVICE_TOPICS,
  DeviceCommandAck,
  DeviceDataMessage,
  DeviceStatusMessage,
  MeterData,
  PcsData,
  PvInverterData,
  SERVICE_TOPICS,
} from '@lib/contracts';
import { MqttClient, connectAsync } from 'mqtt';
import { testServices } from '../../../test/services';
import { eventually, http, listenOnFreePort, postJson } from '../../../test/support/http';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { createIotMockApp } from '../src/app.factory';
import { mysqlAdmin, mysqlDatabaseUrl } from '../../../test/support/infra';

const DB = `iot_e2e_${process.pid}`;
const databaseUrl = mysqlDatabaseUrl(DB);
const DEFAULT_IDS = [
  'mock-appliance-001',
  'mock-hvac-001',
  'mock-industrial-001',
  'mock-lighting-001',
  'mock-server-001',
];

interface DeviceView {
  device_id: string;
  device_type: string;
  name: string;
  base_power: number;
  enabled: boolean;
  seq: number;
  status: string;
  fault: string | null;
}

async function startIotMock(env: Record<string, string> = {}): Promise<{ app: NestFastifyApplication; url: string }> {
  const config = loadIotMockConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MQTT_URL: testServices.mqttUrl,
    DATABASE_URL: databaseUrl,
    SIMULATION_INTERVAL: '0.2',
    COMMAND_TIMEOUT_MS: '1500',
    ...env,
  });
  const app = await createIotMockApp(config);
  const url = await listenOnFreePort(app);
  await eventually(
    () => http(`${url}/health`),
    (r) => r.status === 200,
    15_000,
  );
  return { app, url };
}

/** Collects what the simulator publishes, from a separate client, as every consumer would. */
class Listener {
  data: DeviceDataMessage[] = [];
  acks: DeviceCommandAck[] = [];
  status: DeviceStatusMessage[] = [];
  private constructor(readonly client: MqttClient) {}

  static async open(): Promise<Listener> {
    const listener = new Listener(
      await connectAsync(testServices.mqttUrl, { clientId: `e2e-iot-listener-${process.pid}` }),
    );
    listener.client.on('message', (topic, payload) => {
      if (payload.length === 0) return;
      let message: never;
      try {
        message = JSON.parse(payload.toString()) as never;
      } catch {
        // The broker is shared: other suites (the bus fuzz tests) publish non-JSON on these topics.
        return;
      }
      if (topic.endsWith('/data')) listener.data.push(message);
      else if (topic.endsWith('/commands/ack')) listener.acks.push(message);
      else if (topic.endsWith('/status')) listener.status.push(message);
    });
    await listener.client.subscribeAsync(
      [DEVICE_TOPICS.allData, DEVICE_TOPICS.allCommandAcks, DEVICE_TOPICS.allStatus],
      { qos: 1 },
    );
    return listener;
  }

  dataOf(id: string, since = 0): DeviceDataMessage[] {
    return this.data.slice(since).filter((m) => m.device_id === id);
  }

  async nextData(id: string, ok: (m: DeviceDataMessage) => boolean = () => true): Promise<DeviceDataMessage> {
    const since = this.data.length;
    const found = await eventually(
      () => Promise.resolve(this.dataOf(id, since).find(ok)),
      (m) => m !== undefined,
      5000,
    );
    if (!found) throw new Error(`no matching data message from ${id}`);
    return found;
  }
}

describe('iot-mock (document 002)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let listener: Listener;
  const api = (path: string): string => `${url}/api/v1${path}`;
  const command = (id: string, body: unknown) =>
    postJson<DeviceCommandAck & { detail?: string }>(api(`/devices/${id}/command`), body);

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    listener = await Listener.open();
    ({ app, url } = await startIotMock());
  });

  afterAll(async () => {
    await app?.close();
    await listener?.client.endAsync();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  describe('devices', () => {
    it('creates the five documented default devices on first start', async () => {
      const { body } = await http<DeviceView[]>(api('/devices'));
      expect(body.map((d) => d.device_id).sort()).toEqual(DEFAULT_IDS);
      const power = Object.fromEntries(body.map((d) => [d.device_id, d.base_power]));
      expect(power).toEqual({
        'mock-hvac-001': 25,
        'mock-lighting-001': 8.5,
        'mock-server-001': 45,
        'mock-industrial-001': 120,
        'mock-appliance-001': 15,
      });
    });

    it('creates, reads, updates and deletes a device, and clears its retained status', async () => {
      const created = await postJson<DeviceView>(api('/devices'), {
        device_type: 'hvac',
        name: 'Main Building HVAC',
        location: 'Building A - Roof',
        base_power: 25.0,
        base_voltage: 240.0,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        device_id: 'mock-hvac-002',
        device_type: 'hvac',
        base_power: 25,
        enabled: true,
      });
      const id = created.body.device_id;
      expect((await http<DeviceView>(api(`/devices/${id}`))).body.name).toBe('Main Building HVAC');
      const updated = await http<DeviceView>(api(`/devices/${id}`), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Roof HVAC', base_power: 30 }),
      });
      expect(updated.body).toMatchObject({ name: 'Roof HVAC', base_power: 30 });
      await listener.nextData(id);
      expect((await http(api(`/devices/${id}`), { method: 'DELETE' })).status).toBe(200);
      expect((await http(api(`/devices/${id}`))).status).toBe(404);
      // A new subscriber finds no retained status for the deleted device.
      const late = await connectAsync(testServices.mqttUrl);
      const retained: string[] = [];
      late.on('message', (_t, p) => p.length > 0 && retained.push(p.toString()));
      await late.subscribeAsync(DEVICE_TOPICS.status(id), { qos: 1 });
      await new Promise((r) => setTimeout(r, 300));
      await late.endAsync();
      expect(retained).toEqual([]);
    });

    it.each([
      [{ device_type: 'toaster', name: 'x' }, ['body', 'device_type']],
      [{ device_type: 'hvac' }, ['body', 'name']],
      [{ device_type: 'hvac', name: 'x', base_power: -5 }, ['body', 'base_power']],
      [{ device_type: 'hvac', name: 'x', base_power: '25' }, ['body', 'base_power']],
      [{ device_type: 'hvac', name: 'x', device_id: 'a/b+#' }, ['body', 'device_id']],
      [{ device_type: 'hvac', name: 'x', colour: 'red' }, ['body', 'colour']],
    ])('refuses %p with 422 at %p', async (body, loc) => {
      const res = await postJson<{ detail: { loc: string[] }[] }>(api('/devices'), body);
      expect(res.status).toBe(422);
      expect(res.body.detail.map((d) => d.loc)).toContainEqual(loc);
    });

    it('refuses a duplicate id with 409 and an unknown device with 404', async () => {
      const dup = await postJson(api('/devices'), {
        device_type: 'server',
        name: 'again',
        device_id: 'mock-server-001',
      });
      expect(dup.status).toBe(409);
      expect((await http(api('/devices/nope'))).status).toBe(404);
      expect((await command('nope', { command: 'turn_on' })).status).toBe(404);
    });

    it('lists the device types with their patterns', async () => {
      const { body } = await http<{ type: string }[]>(api('/device-types'));
      expect(body.map((t) => t.type)).toEqual([
        'hvac',
        'lighting',
        'server',
        'industrial',
        'appliance',
        'pv_inverter',
        'bess',
        'pcs',
        'meter',
        'ev_charger',
      ]);
    });
  });

  describe('telemetry over MQTT', () => {
    it('publishes document 002 data messages, with their device_type, seq rising by one, without gaps', async () => {
      const since = listener.data.length;
      await new Promise((r) => setTimeout(r, 1500));
      for (const id of DEFAULT_IDS) {
        const messages = listener.dataOf(id, since);
        expect(messages.length).toBeGreaterThanOrEqual(4);
        for (let i = 1; i < messages.length; i++) expect(messages[i].seq).toBe(messages[i - 1].seq + 1);
      }
      const m = listener.dataOf('mock-server-001', since)[0];
      expect(Object.keys(m).sort()).toEqual([
        'current',
        'device_id',
        'device_type',
        'enabled',
        'energy',
        'power',
        'seq',
        'status',
        'timestamp',
        'voltage',
      ]);
      expect(m.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // Consumers count the load by its type, not by the shape of its id.
      expect(m.device_type).toBe('server');
      expect(m.power).toBeGreaterThan(0);
      expect(m.current).toBeCloseTo((m.power * 1000) / m.voltage, 0);
    });

    it('keeps energy rising and answers /readings with the latest values', async () => {
      const a = await listener.nextData('mock-industrial-001');
      const b = await listener.nextData('mock-industrial-001', (m) => m.seq > a.seq);
      expect(b.energy).toBeGreaterThan(a.energy);
      const readings = await http<DeviceDataMessage>(api('/devices/mock-industrial-001/readings'));
      expect(readings.body.seq).toBeGreaterThanOrEqual(b.seq);
    });

    it("publishes each device's status retained, and the service's own presence", async () => {
      const late = await connectAsync(testServices.mqttUrl);
      const got = new Map<string, unknown>();
      late.on('message', (topic, payload) => payload.length > 0 && got.set(topic, JSON.parse(payload.toString())));
      await late.subscribeAsync([DEVICE_TOPICS.status('mock-hvac-001'), SERVICE_TOPICS.status('iot-mock')], { qos: 1 });
      await eventually(
        () => Promise.resolve(got.size),
        (n) => n === 2,
        3000,
      );
      await late.endAsync();
      expect(got.get(DEVICE_TOPICS.status('mock-hvac-001'))).toMatchObject({
        device_id: 'mock-hvac-001',
        status: 'online',
        enabled: true,
      });
      expect(got.get(SERVICE_TOPICS.status('iot-mock'))).toMatchObject({ status: 'online' });
    });

    it('stops and starts the simulation', async () => {
      expect((await postJson<{ running: boolean }>(api('/simulation/stop'), {})).body.running).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      const since = listener.data.length;
      await new Promise((r) => setTimeout(r, 600));
      expect(listener.data.length).toBe(since);
      const started = await postJson<{ running: boolean; devices: number }>(api('/simulation/start'), {});
      expect(started.body).toMatchObject({ running: true, devices: 5 });
      await listener.nextData('mock-lighting-001');
      const status = await http<{ messages_published: number }>(api('/simulation/status'));
      expect(status.body.messages_published).toBeGreaterThan(0);
    });
  });

  describe('commands', () => {
    it('turn_off: acknowledged, and the next readings show power 0; turn_on brings it back', async () => {
      const res = await command('mock-server-001', { command: 'turn_off', command_id: 'e2e-off' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        device_id: 'mock-server-001',
        command_id: 'e2e-off',
        command: 'turn_off',
        success: true,
      });
      expect((await listener.nextData('mock-server-001')).power).toBe(0);
      await command('mock-server-001', { command: 'turn_on' });
      expect((await listener.nextData('mock-server-001', (m) => m.power > 0)).power).toBeGreaterThan(0);
    });

    it('set_power: the device draws the set point (within the noise)', async () => {
      expect((await command('mock-hvac-001', { command: 'set_power', parameters: { power: 30 } })).status).toBe(200);
      const m = await listener.nextData('mock-hvac-001');
      expect(m.power).toBeGreaterThanOrEqual(27);
      expect(m.power).toBeLessThanOrEqual(33);
    });

    it('disable stops the data and marks the status; enable resumes', async () => {
      await command('mock-appliance-001', { command: 'disable' });
      expect((await http<DeviceView>(api('/devices/mock-appliance-001'))).body.enabled).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      const since = listener.data.length;
      await new Promise((r) => setTimeout(r, 500));
      expect(listener.dataOf('mock-appliance-001', since)).toEqual([]);
      expect(listener.status.filter((s) => s.device_id === 'mock-appliance-001').at(-1)).toMatchObject({
        enabled: false,
      });
      await command('mock-appliance-001', { command: 'enable' });
      await listener.nextData('mock-appliance-001');
    });

    it('inject_fault offline publishes an offline status and silences the device until clear_fault', async () => {
      await command('mock-lighting-001', { command: 'inject_fault', parameters: { fault: 'offline' } });
      const offline = await eventually(
        () => Promise.resolve(listener.status.filter((s) => s.device_id === 'mock-lighting-001').at(-1)),
        (s) => s?.status === 'offline',
      );
      expect(offline).toMatchObject({ status: 'offline', fault: 'offline' });
      await command('mock-lighting-001', { command: 'clear_fault' });
      await listener.nextData('mock-lighting-001');
    });

    it('a device in an offline fault acknowledges no command: REST 504 at once, nothing on the bus', async () => {
      const id = `unreachable-${process.pid}-${Date.now() % 100_000}`;
      expect((await postJson(api('/devices'), { device_type: 'server', name: 'Far away', device_id: id })).status).toBe(
        201,
      );
      try {
        expect((await command(id, { command: 'inject_fault', parameters: { fault: 'offline' } })).status).toBe(200);
        const started = Date.now();
        const res = await command(id, { command: 'set_power', parameters: { power: 10 } });
        expect(res.status).toBe(504);
        expect(res.body).toEqual({ detail: expect.stringContaining('offline') });
        expect(Date.now() - started).toBeLessThan(1000);
        // Over MQTT, as the optimizer sends it: no acknowledgement, and the device does not obey.
        const commandId = `unanswered-${process.pid}-${Date.now()}`;
        await listener.client.publishAsync(
          DEVICE_TOPICS.commands(id),
          JSON.stringify({ command: 'set_power', parameters: { power: 10 }, command_id: commandId }),
          { qos: 1 },
        );
        await new Promise((r) => setTimeout(r, 1000));
        expect(listener.acks.some((a) => a.command_id === commandId)).toBe(false);
        expect((await http<{ power_setpoint: number | null }>(api(`/devices/${id}`))).body.power_setpoint).toBeNull();
        // clear_fault still reaches it (the simulator's own knob); then it answers again.
        expect((await command(id, { command: 'clear_fault' })).status).toBe(200);
        const ack = await command(id, { command: 'set_power', parameters: { power: 10 } });
        expect(ack.status).toBe(200);
        expect(ack.body).toMatchObject({ success: true, result: { power_setpoint_kw: 10 } });
      } finally {
        await http(api(`/devices/${id}`), { method: 'DELETE' });
      }
    });

    it('set_interval changes how often a device reports', async () => {
      await command('mock-industrial-001', { command: 'set_interval', parameters: { interval: 1 } });
      await listener.nextData('mock-industrial-001');
      const since = listener.data.length;
      await new Promise((r) => setTimeout(r, 1100));
      expect(listener.dataOf('mock-industrial-001', since).length).toBeLessThanOrEqual(2);
      await command('mock-industrial-001', { command: 'set_interval', parameters: { interval: 0.2 } });
    });

    it.each([
      [{ command: 'self_destruct' }, 'Unknown command'],
      [{ command: 'set_power', parameters: { power: -3 } }, 'parameters.power'],
      [{ command: 'set_power', parameters: { power: 'max' } }, 'parameters.power'],
      [{ command: 'inject_fault', parameters: { fault: 'meltdown' } }, 'parameters.fault'],
    ])('answers 400 to %p naming %s', async (body, detail) => {
      const res = await command('mock-server-001', body);
      expect(res.status).toBe(400);
      expect(res.body.detail).toContain(detail);
    });

    it('answers 504 when no acknowledgement comes back in time', async () => {
      const broker = new URL(testServices.mqttUrl);
      const proxy = new TcpProxy(broker.hostname, Number(broker.port || 1883));
      const port = await proxy.start();
      const db2 = `${DB}_b`;
      await mysqlAdmin(`CREATE DATABASE IF NOT EXISTS ${db2}`);
      const slow = await startIotMock({
        MQTT_URL: `mqtt://127.0.0.1:${port}`,
        DATABASE_URL: mysqlDatabaseUrl(db2),
        SIMULATION_AUTOSTART: 'false',
        COMMAND_TIMEOUT_MS: '400',
      });
      try {
        await eventually(
          () => http<{ mqtt_connected: boolean }>(`${slow.url}/health`),
          (r) => r.body.mqtt_connected,
        );
        proxy.pause();
        const res = await postJson(`${slow.url}/api/v1/devices/mock-server-001/command`, { command: 'turn_on' });
        expect(res.status).toBe(504);
        expect(res.body).toEqual({ detail: expect.stringContaining('No acknowledgement') });
      } finally {
        proxy.resume();
        await slow.app.close();
        await proxy.stop();
        await mysqlAdmin(`DROP DATABASE IF EXISTS ${db2}`);
      }
    });
  });

  describe('energy assets', () => {
    const ids = {
      bess: `bess-${process.pid}`,
      pv: `pv-${process.pid}`,
      meter: `meter-${process.pid}`,
      pcs: `pcs-${process.pid}`,
    };

    beforeAll(async () => {
      await postJson(api('/devices'), { device_type: 'bess', name: 'BESS 1', device_id: ids.bess });
      await postJson(api('/devices'), { device_type: 'pv_inverter', name: 'Inverter 1', device_id: ids.pv });
      await postJson(api('/devices'), { device_type: 'meter', name: 'Grid meter', device_id: ids.meter });
      await postJson(api('/devices'), { device_type: 'pcs', name: 'PCS 1', device_id: ids.pcs });
    });

    afterAll(async () => {
      for (const id of Object.values(ids)) await http(api(`/devices/${id}`), { method: 'DELETE' });
    });

    it('a BESS charges on command: negative power, SOC rising, 12 racks', async () => {
      const ack = await command(ids.bess, { command: 'charge', parameters: { power: 400 } });
      expect(ack.body).toMatchObject({ success: true, result: { mode: 'Charging', power_kw: 400 } });
      const first = (await listener.nextData(ids.bess, (m) => (m as BessData).mode === 'Charging')) as BessData;
      const later = (await listener.nextData(ids.bess, (m) => m.seq > first.seq + 2)) as BessData;
      expect(later.power).toBeLessThan(-390);
      expect(later.soc_pct).toBeGreaterThan(first.soc_pct);
      expect(later.charge_energy_kwh).toBeGreaterThan(first.charge_energy_kwh);
      expect(later.racks).toHaveLength(12);
      expect(later.racks[0]).toMatchObject({ rack_number: 'rack01', mode: 'Charging' });
      const view = await http<{ battery: { mode: string; setpoint_kw: number } }>(api(`/devices/${ids.bess}`));
      expect(view.body.battery).toMatchObject({ mode: 'Charging', setpoint_kw: 400 });
      await command(ids.bess, { command: 'discharge', parameters: { power: 200 } });
      expect((await listener.nextData(ids.bess, (m) => m.power > 0)).power).toBeGreaterThan(190);
    });

    it('BESS, PV inverter, meter and PCS publish a status of their own too: online, with type and service', async () => {
      const types = { bess: 'bess', pv: 'pv_inverter', meter: 'meter', pcs: 'pcs' } as const;
      for (const [key, id] of Object.entries(ids)) {
        const status = await eventually(
          () => Promise.resolve(listener.status.filter((m) => m.device_id === id).at(-1)),
          (m) => m !== undefined,
          5000,
        );
        expect(status).toMatchObject({
          status: 'online',
          enabled: true,
          device_type: types[key as keyof typeof types],
          service: 'iot-mock',
        });
      }
    });

    it('refuses charge on a load and set_power on a battery', async () => {
      expect((await command('mock-hvac-001', { command: 'charge', parameters: { power: 5 } })).status).toBe(400);
      expect((await command(ids.bess, { command: 'set_power', parameters: { power: 5 } })).status).toBe(400);
    });

    it('publishes PV, PCS and meter blocks in the shapes solarhub-api ingests', async () => {
      const pv = (await listener.nextData(ids.pv)) as PvInverterData;
      expect(pv.device_type).toBe('pv_inverter');
      expect(pv.mppt).toHaveLength(4);
      expect(Object.keys(pv.inverter)).toContain('daily_power_yields');
      const meter = (await listener.nextData(ids.meter)) as MeterData;
      expect(meter.frequency).toBeGreaterThan(59.9);
      expect(meter.frequency).toBeLessThan(60.1);
      const pcs = (await listener.nextData(ids.pcs)) as PcsData;
      expect(Object.keys(pcs.alerts)).toHaveLength(7);
    });
  });

  describe('bad MQTT command payloads', () => {
    it.each([
      ['not JSON', 'turn it off'],
      ['an array', '[{"command":"turn_off"}]'],
      ['a command of the wrong type', '{"command":["turn_off"]}'],
      ["Nest's envelope keys", '{"pattern":"energy/devices/x/commands","data":{"command":"turn_off"},"id":"1"}'],
      ['a huge payload', JSON.stringify({ command: 'turn_on', pad: 'x'.repeat(20_000) })],
    ])('answers %s with an error ack and keeps running', async (_case, payload) => {
      const since = listener.acks.length;
      await listener.client.publishAsync(DEVICE_TOPICS.commands('mock-server-001'), payload, { qos: 1 });
      const ack = await eventually(
        () => Promise.resolve(listener.acks.slice(since).find((a) => a.device_id === 'mock-server-001')),
        (a) => a !== undefined,
      );
      expect(ack).toMatchObject({ success: false, error: expect.any(String) });
      expect((await http(`${url}/health`)).status).toBe(200);
    });

    it('counts commands for unknown devices without answering them', async () => {
      await listener.client.publishAsync(DEVICE_TOPICS.commands('ghost-001'), '{"command":"turn_on"}', { qos: 1 });
      const metrics = await eventually(
        () => http<string>(`${url}/metrics`),
        (r) => /iot_commands_total\{[^}]*result="unknown_device"[^}]*\} [1-9]/.test(r.body),
      );
      expect(metrics.body).toMatch(/iot_commands_total\{[^}]*result="not_json"[^}]*\} [1-9]/);
      expect(listener.acks.some((a) => a.device_id === 'ghost-001')).toBe(false);
    });
  });

  describe('operations', () => {
    it('is ready with broker and database, and serves /health as documented', async () => {
      const ready = await http<{ details: Record<string, { status: string }> }>(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.details).toMatchObject({ mqtt: { status: 'up' }, database: { status: 'up' } });
      expect((await http(`${url}/health`)).body).toMatchObject({
        status: 'healthy',
        mqtt_connected: true,
        simulation_running: true,
        devices: 5,
      });
    });

    it('keeps serving when the broker drops, says so on /health/ready, and resumes by itself', async () => {
      const broker = new URL(testServices.mqttUrl);
      const proxy = new TcpProxy(broker.hostname, Number(broker.port || 1883));
      const port = await proxy.start();
      const db2 = `${DB}_c`;
      await mysqlAdmin(`CREATE DATABASE IF NOT EXISTS ${db2}`);
      const flaky = await startIotMock({
        MQTT_URL: `mqtt://127.0.0.1:${port}`,
        DATABASE_URL: mysqlDatabaseUrl(db2),
        DEFAULT_DEVICES: 'false',
      });
      try {
        await postJson(`${flaky.url}/api/v1/devices`, {
          device_type: 'server',
          name: 'flaky',
          device_id: `flaky-${process.pid}`,
        });
        await listener.nextData(`flaky-${process.pid}`);
        await proxy.stop();
        const down = await eventually(
          () => http<{ details: { mqtt: { status: string } } }>(`${flaky.url}/health/ready`),
          (r) => r.status === 503,
        );
        expect(down.body.details.mqtt.status).toBe('down');
        expect((await http(`${flaky.url}/api/v1/devices`)).status).toBe(200);
        await proxy.restart();
        expect(
          (
            await eventually(
              () => http(`${flaky.url}/health/ready`),
              (r) => r.status === 200,
              15_000,
            )
          ).status,
        ).toBe(200);
        await listener.nextData(`flaky-${process.pid}`);
      } finally {
        await flaky.app.close();
        await proxy.stop();
        await mysqlAdmin(`DROP DATABASE IF EXISTS ${db2}`);
      }
    });

    it('keeps devices, their settings and seq across a restart', async () => {
      await command('mock-hvac-001', { command: 'set_power', parameters: { power: 12 } });
      const before = (await http<DeviceView>(api('/devices/mock-hvac-001'))).body.seq;
      await app.close();
      ({ app, url } = await startIotMock());
      const after = await http<DeviceView & { power_setpoint: number }>(api('/devices/mock-hvac-001'));
      expect(after.body.power_setpoint).toBe(12);
      expect(after.body.seq).toBeGreaterThanOrEqual(before);
      const next = await listener.nextData('mock-hvac-001');
      expect(next.seq).toBeGreaterThan(before);
    });
  });
});
