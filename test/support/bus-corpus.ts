import {
  DEVICE_TOPICS,
  SERVICE_TOPICS,
  STATION_TOPICS,
  StationMeterMessage,
  StationStatusMessage,
  isoSeconds,
} from '@lib/contracts';
import { aDevice, quiet } from '@lib/testing';
import { eventually } from './http';

/**
 * The malformed messages every bus fuzz test sends (what an attacker on the LAN can publish),
 * built around valid messages of iot-mock's own simulated devices so each case breaks one thing.
 */
export interface BadMessage {
  name: string;
  topic: string;
  payload: string | Buffer;
}

type Json = Record<string, unknown>;
export type AssetKind = 'bess' | 'pcs' | 'meter' | 'pv_inverter';

/** A valid data message of a simulated asset, as iot-mock would publish it now. */
export function aValidReading(kind: AssetKind | 'server', deviceId: string, now = new Date()): Json & { seq: number } {
  const device = aDevice({ type: kind, id: deviceId });
  device.read(new Date(now.getTime() - 1000), quiet);
  const reading = device.read(now, quiet);
  if (!reading) throw new Error('no reading');
  return JSON.parse(JSON.stringify(reading.message)) as Json & { seq: number };
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
const clone = (o: Json): Json => JSON.parse(JSON.stringify(o)) as Json;
const edit = (o: Json, change: (copy: Json) => void): string => {
  const copy = clone(o);
  change(copy);
  return JSON.stringify(copy);
};

/** Bad data messages for `deviceId` (whose id ends in a unit number), built on a BESS reading. */
export function badTelemetry(deviceId: string): BadMessage[] {
  const topic = DEVICE_TOPICS.data(deviceId);
  const bess = aValidReading('bess', deviceId);
  const pcs = aValidReading('pcs', deviceId);
  const meter = aValidReading('meter', deviceId);
  const pv = aValidReading('pv_inverter', deviceId);
  const racks = (o: Json): Json[] => o.racks as Json[];
  const cases: [string, string | Buffer][] = [
    ['not JSON', 'not json {'],
    ['empty', ''],
    ['null', 'null'],
    ['number', '42'],
    ['string', '"power"'],
    ['array', JSON.stringify([bess])],
    ['nulls inside an array', '{"power":1,"racks":[null]}'],
    ['racks of nulls', edit(bess, (c) => (c.racks = [null, null]))],
    ['power as a string', edit(bess, (c) => (c.power = '1'))],
    ['power missing', edit(bess, (c) => delete c.power)],
    ['NaN spelled out', JSON.stringify(bess).replace(/"power":[-\d.e]+/, '"power":NaN')],
    ['Infinity spelled out', JSON.stringify(bess).replace(/"power":[-\d.e]+/, '"power":Infinity')],
    ['"NaN" as a string', edit(bess, (c) => (c.power = 'NaN'))],
    ['power 1.7e308', edit(bess, (c) => (c.power = 1.7e308))],
    ['power 1e400 (beyond a double)', JSON.stringify(bess).replace(/"power":[-\d.e]+/, '"power":1e400')],
    ['negative huge power', edit(bess, (c) => (c.power = -1e12))],
    ['soc_pct 1e300', edit(bess, (c) => (c.soc_pct = 1e300))],
    ['soc_pct negative', edit(bess, (c) => (c.soc_pct = -5))],
    ['capacity_kwh -1', edit(bess, (c) => (c.capacity_kwh = -1))],
    ['capacity_kwh 0', edit(bess, (c) => (c.capacity_kwh = 0))],
    ['rack99', edit(bess, (c) => (racks(c)[0].rack_number = 'rack99'))],
    ['13 racks', edit(bess, (c) => (c.racks = [...racks(c), racks(c)[0]]))],
    ['rack temperature 1e6', edit(bess, (c) => (racks(c)[1].temperature_c = 1e6))],
    ['rack alarms null', edit(bess, (c) => (racks(c)[1].alarms = null))],
    ['timestamp in year 1', edit(bess, (c) => (c.timestamp = '0001-01-01T00:00:00Z'))],
    ['timestamp in year +275760', edit(bess, (c) => (c.timestamp = '+275760-09-13T00:00:00.000Z'))],
    ['timestamp two days old', edit(bess, (c) => (c.timestamp = isoSeconds(new Date(Date.now() - 2 * 86_400_000))))],
    ['timestamp an hour ahead', edit(bess, (c) => (c.timestamp = isoSeconds(new Date(Date.now() + 3_600_000))))],
    ['timestamp a year ahead', edit(bess, (c) => (c.timestamp = isoSeconds(new Date(Date.now() + YEAR_MS))))],
    ['timestamp not a time', edit(bess, (c) => (c.timestamp = 'yesterday'))],
    ['seq 1e20', edit(bess, (c) => (c.seq = 1e20))],
    ['seq negative', edit(bess, (c) => (c.seq = -1))],
    ['seq fractional', edit(bess, (c) => (c.seq = 1.5))],
    ['device_id differs from the topic', edit(bess, (c) => (c.device_id = `${deviceId}0`))],
    ['device_id missing', edit(bess, (c) => delete c.device_id)],
    ['unknown device_type', edit(bess, (c) => (c.device_type = 'reactor'))],
    ['extra key', edit(bess, (c) => (c.admin = true))],
    ['extra key in a rack', edit(bess, (c) => (racks(c)[0].extra = 1))],
    ['__proto__ key', JSON.stringify(bess).replace(/^\{/, '{"__proto__":{"polluted":true},')],
    ['PCS word 70000', edit(pcs, (c) => ((c.alerts as Json).grid_status = 70_000))],
    ['PCS word fractional', edit(pcs, (c) => ((c.alerts as Json).grid_status = 1.5))],
    ['PCS alerts an array', edit(pcs, (c) => (c.alerts = [1, 2, 3]))],
    ['meter frequency 0', edit(meter, (c) => (c.frequency = 0))],
    ['meter voltage 1e9', edit(meter, (c) => (c.phase_a_voltage = 1e9))],
    ['meter power factor 2', edit(meter, (c) => (c.power_factor = 2))],
    ['PV mppt of nulls', edit(pv, (c) => (c.mppt = [null]))],
    ['PV 10,000 phases', edit(pv, (c) => (c.phases = Array.from({ length: 10_000 }, () => (pv.phases as Json[])[0])))],
    ['PV inverter block missing', edit(pv, (c) => delete c.inverter)],
    ['1 MB body', edit(bess, (c) => (c.padding = 'x'.repeat(1024 * 1024)))],
    ['1 MB of garbage', Buffer.alloc(1024 * 1024, 0x7b)],
  ];
  return cases.map(([name, payload]) => ({ name, topic, payload }));
}

/** Bad command acknowledgements (gridpilot waits on these) for `deviceId`. */
export function badAcks(deviceId: string, commandId: string): BadMessage[] {
  const topic = DEVICE_TOPICS.commandAck(deviceId);
  const ack = {
    device_id: deviceId,
    command_id: commandId,
    command: 'set_power',
    success: true,
    timestamp: isoSeconds(),
  };
  const cases: [string, string][] = [
    ['not JSON', '{'],
    ['null', 'null'],
    ['array', '[]'],
    ['success as a string', JSON.stringify({ ...ack, success: 'yes' })],
    ['device_id differs from the topic', JSON.stringify({ ...ack, device_id: 'someone-else' })],
    ['timestamp in year 1', JSON.stringify({ ...ack, timestamp: '0001-01-01T00:00:00Z' })],
    ['command_id an object', JSON.stringify({ ...ack, command_id: { $ne: null } })],
  ];
  return cases.map(([name, payload]) => ({ name, topic, payload }));
}

/** Bad device commands (iot-mock answers these with an error acknowledgement) for `deviceId`. */
export function badCommands(deviceId: string): BadMessage[] {
  const topic = DEVICE_TOPICS.commands(deviceId);
  const cases: [string, string | Buffer][] = [
    ['not JSON', 'not json'],
    ['null', 'null'],
    ['array', '[{"command":"turn_on"}]'],
    ['command missing', '{"parameters":{}}'],
    ['unknown command', '{"command":"self_destruct"}'],
    ['parameters an array', '{"command":"set_power","parameters":[1]}'],
    ['command_id too long', JSON.stringify({ command: 'turn_on', command_id: 'x'.repeat(200) })],
    ['extra key', '{"command":"turn_on","sudo":true}'],
    ['1 MB body', Buffer.alloc(1024 * 1024, 0x20)],
  ];
  return cases.map(([name, payload]) => ({ name, topic, payload }));
}

/** A valid station status, as ocpp-csms publishes it: one connector charging. */
export function aValidStationStatus(stationId: string, now = new Date()): StationStatusMessage {
  return {
    station_id: stationId,
    connected: true,
    connectors: [
      { connector_id: 0, status: 'Available', error_code: 'NoError', transaction_id: null, id_tag: null },
      { connector_id: 1, status: 'Charging', error_code: 'NoError', transaction_id: 41, id_tag: 'TAG-1' },
    ],
    timestamp: now.toISOString(),
  };
}

/** A valid station meter message, as ocpp-csms publishes it for a MeterValues. */
export function aValidStationMeter(stationId: string, powerW = 7400, now = new Date()): StationMeterMessage {
  return {
    station_id: stationId,
    connector_id: 1,
    transaction_id: 41,
    power_w: powerW,
    energy_wh: 12_345,
    session_energy_wh: 2_345,
    soc_pct: 52,
    timestamp: now.toISOString(),
  };
}

const connectors = (o: Json): Json[] => o.connectors as Json[];

/** Bad station statuses for `stationId` (gridpilot counts EV load from these). */
export function badStationStatus(stationId: string): BadMessage[] {
  const topic = STATION_TOPICS.status(stationId);
  const status = { ...aValidStationStatus(stationId) } as Json;
  const cases: [string, string | Buffer][] = [
    ['not JSON', '{'],
    ['null', 'null'],
    ['array', JSON.stringify([status])],
    ['connected as a string', edit(status, (c) => (c.connected = 'true'))],
    ['connectors missing', edit(status, (c) => delete c.connectors)],
    ['connectors of nulls', edit(status, (c) => (c.connectors = [null]))],
    ['102 connectors', edit(status, (c) => (c.connectors = Array.from({ length: 102 }, () => connectors(status)[1])))],
    ['unknown connector status', edit(status, (c) => (connectors(c)[1].status = 'Exploding'))],
    ['unknown error code', edit(status, (c) => (connectors(c)[1].error_code = 'Oops'))],
    ['connector id -1', edit(status, (c) => (connectors(c)[1].connector_id = -1))],
    ['connector id 1e9', edit(status, (c) => (connectors(c)[1].connector_id = 1e9))],
    ['transaction id fractional', edit(status, (c) => (connectors(c)[1].transaction_id = 1.5))],
    ['id tag of 200 characters', edit(status, (c) => (connectors(c)[1].id_tag = 'x'.repeat(200)))],
    ['extra key in a connector', edit(status, (c) => (connectors(c)[1].admin = true))],
    ['station_id differs from the topic', edit(status, (c) => (c.station_id = `${stationId}0`))],
    ['timestamp in year 1', edit(status, (c) => (c.timestamp = '0001-01-01T00:00:00Z'))],
    ['extra key', edit(status, (c) => (c.sudo = true))],
    ['__proto__ key', JSON.stringify(status).replace(/^\{/, '{"__proto__":{"polluted":true},')],
    ['1 MB body', Buffer.alloc(1024 * 1024, 0x7b)],
  ];
  return cases.map(([name, payload]) => ({ name, topic, payload }));
}

/** Bad station meter messages for `stationId`. */
export function badStationMeter(stationId: string): BadMessage[] {
  const topic = STATION_TOPICS.meter(stationId);
  const meter = { ...aValidStationMeter(stationId) } as Json;
  const cases: [string, string | Buffer][] = [
    ['not JSON', 'power=7400'],
    ['number', '7400'],
    ['power as a string', edit(meter, (c) => (c.power_w = '7400'))],
    ['power missing', edit(meter, (c) => delete c.power_w)],
    ['power negative', edit(meter, (c) => (c.power_w = -7400))],
    ['power 1e300', edit(meter, (c) => (c.power_w = 1e300))],
    ['power 1e400 (beyond a double)', JSON.stringify(meter).replace(/"power_w":[-\d.e]+/, '"power_w":1e400')],
    ['power NaN spelled out', JSON.stringify(meter).replace(/"power_w":[-\d.e]+/, '"power_w":NaN')],
    ['energy negative', edit(meter, (c) => (c.energy_wh = -1))],
    ['soc 150', edit(meter, (c) => (c.soc_pct = 150))],
    ['connector id a string', edit(meter, (c) => (c.connector_id = '1'))],
    ['transaction id an object', edit(meter, (c) => (c.transaction_id = { $ne: null }))],
    ['station_id differs from the topic', edit(meter, (c) => (c.station_id = 'someone-else'))],
    ['timestamp a year ahead', edit(meter, (c) => (c.timestamp = isoSeconds(new Date(Date.now() + YEAR_MS))))],
    ['extra key', edit(meter, (c) => (c.voltage = 230))],
  ];
  return cases.map(([name, payload]) => ({ name, topic, payload }));
}

interface Publisher {
  publishAsync(topic: string, payload: string | Buffer, options: { qos: 1 }): Promise<unknown>;
}

/**
 * Publishes every message at QoS 1, then waits until the app's `bus_invalid_messages_total` for
 * `pattern` has risen by as many; returns by how much it rose.
 */
export async function publishAndCount(
  client: Publisher,
  messages: BadMessage[],
  pattern: string,
  metrics: () => Promise<string>,
  timeoutMs = 20_000,
): Promise<number> {
  const before = invalidCount(await metrics(), pattern);
  for (const m of messages) await client.publishAsync(m.topic, m.payload, { qos: 1 });
  const after = await eventually(
    async () => invalidCount(await metrics(), pattern),
    (n) => n >= before + messages.length,
    timeoutMs,
  );
  return after - before;
}

/** The sum of `bus_invalid_messages_total` over every reason for one topic pattern, from /metrics text. */
export function invalidCount(metrics: string, pattern: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('bus_invalid_messages_total{') || !line.includes(`topic="${pattern}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Bad device statuses for `deviceId` and bad presences for `service` (never retained). */
export function badStatuses(deviceId: string, service: string): { device: BadMessage[]; service: BadMessage[] } {
  const topic = DEVICE_TOPICS.status(deviceId);
  const valid: Json = { device_id: deviceId, status: 'online', enabled: true, timestamp: isoSeconds(), service };
  const serviceTopic = SERVICE_TOPICS.status(service);
  return {
    device: [
      { name: 'not JSON', topic, payload: 'online!' },
      { name: 'an array', topic, payload: '[]' },
      { name: 'an unknown status', topic, payload: edit(valid, (c) => (c.status = 'sleepy')) },
      { name: 'enabled as text', topic, payload: edit(valid, (c) => (c.enabled = 'yes')) },
      { name: 'another device id than the topic', topic, payload: edit(valid, (c) => (c.device_id = 'someone-else')) },
      {
        name: 'a timestamp a year ahead',
        topic,
        payload: edit(valid, (c) => (c.timestamp = isoSeconds(new Date(Date.now() + YEAR_MS)))),
      },
      { name: 'an unknown fault', topic, payload: edit(valid, (c) => (c.fault = 'gremlins')) },
      {
        name: 'a service name of 1,000 characters',
        topic,
        payload: edit(valid, (c) => (c.service = 'x'.repeat(1000))),
      },
      { name: 'an undeclared key', topic, payload: edit(valid, (c) => (c.admin = true)) },
    ],
    service: [
      { name: 'not JSON', topic: serviceTopic, payload: '{' },
      { name: 'an unknown status', topic: serviceTopic, payload: JSON.stringify({ service, status: 'maybe' }) },
      { name: 'no service', topic: serviceTopic, payload: JSON.stringify({ status: 'offline' }) },
    ],
  };
}
