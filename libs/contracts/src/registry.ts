import { RevokedSessionsDto } from './auth';
import { commandMessageClass } from './battery';
import { DeviceCommandAck, DeviceCommandMessage, DeviceDataMessage, DeviceStatusMessage } from './devices';
import { SiteChargingLimitDto } from './ocpp-csms';
import { PlantReadingMessage, ServiceStatusMessage } from './plant';
import { StationMeterMessage, StationStatusMessage } from './stations';
import { dataMessageClass } from './telemetry';

export const APP_NAMES = [
  'solarhub-api',
  'gridpilot-optimizer',
  'ocpp-csms',
  'plant-simulator',
  'iot-mock',
  'console',
  'anyone',
] as const;
export type AppName = (typeof APP_NAMES)[number];

/**
 * One topic or bus pattern: its name (MQTT form, `+` for each parameter), version, payload class,
 * delivery and who publishes and subscribes. `params` names the `+` segments in order; the body
 * must repeat those listed in `echoedParams` under the same name (a device's id).
 */
export interface TopicEntry<T extends object = object> {
  readonly key: string;
  readonly version: number;
  readonly pattern: string;
  readonly params: readonly string[];
  readonly echoedParams: readonly string[];
  readonly payload: new () => T;
  /** A discriminated union: the class to validate after the base class has passed. */
  refine?(base: T): new () => T;
  /** What `refine` picks, for the topic table of docs/architecture.md. */
  readonly refines?: string;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  readonly publishers: readonly AppName[];
  readonly subscribers: readonly AppName[];
}

function entry<T extends object>(e: TopicEntry<T>): TopicEntry<T> {
  const wildcards = e.pattern.split('/').filter((s) => s === '+').length;
  if (wildcards !== e.params.length)
    throw new Error(`topic ${e.key}: ${wildcards} wildcards, ${e.params.length} params`);
  return e;
}

export const TOPIC_REGISTRY = {
  deviceData: entry({
    key: 'device.data',
    version: 1,
    pattern: 'energy/devices/+/data',
    params: ['device_id'],
    echoedParams: ['device_id'],
    payload: DeviceDataMessage,
    refine: dataMessageClass,
    refines: 'its `device_type` class',
    qos: 1,
    retain: false,
    publishers: ['iot-mock'],
    subscribers: ['solarhub-api', 'gridpilot-optimizer', 'console'],
  }),
  deviceStatus: entry({
    key: 'device.status',
    version: 1,
    pattern: 'energy/devices/+/status',
    params: ['device_id'],
    echoedParams: ['device_id'],
    payload: DeviceStatusMessage,
    qos: 1,
    retain: true,
    publishers: ['iot-mock'],
    subscribers: ['solarhub-api', 'console'],
  }),
  deviceCommands: entry({
    key: 'device.commands',
    version: 1,
    pattern: 'energy/devices/+/commands',
    params: ['device_id'],
    echoedParams: [],
    payload: DeviceCommandMessage,
    /** `set_power` with `power_kw` is a battery set-point (BessSetPointCommand, battery.ts). */
    refine: commandMessageClass,
    refines: '`BessSetPointCommand` for `set_power` with `power_kw`',
    qos: 1,
    retain: false,
    publishers: ['gridpilot-optimizer', 'iot-mock'],
    subscribers: ['iot-mock', 'console'],
  }),
  deviceCommandAcks: entry({
    key: 'device.command-ack',
    version: 1,
    pattern: 'energy/devices/+/commands/ack',
    params: ['device_id'],
    echoedParams: ['device_id'],
    payload: DeviceCommandAck,
    qos: 1,
    retain: false,
    publishers: ['iot-mock'],
    subscribers: ['gridpilot-optimizer', 'iot-mock', 'console'],
  }),
  serviceStatus: entry({
    key: 'service.status',
    version: 1,
    pattern: 'energy/services/+/status',
    params: ['service'],
    echoedParams: [],
    payload: ServiceStatusMessage,
    qos: 1,
    retain: true,
    publishers: ['iot-mock'],
    subscribers: ['solarhub-api', 'console'],
  }),
  plantReading: entry({
    key: 'plant.reading',
    version: 1,
    pattern: 'energy/plants/+/reading',
    params: ['plant_id'],
    echoedParams: [],
    payload: PlantReadingMessage,
    qos: 1,
    retain: true,
    publishers: ['plant-simulator'],
    subscribers: ['console'],
  }),
  stationStatus: entry({
    key: 'station.status',
    version: 1,
    pattern: 'energy/stations/+/status',
    params: ['station_id'],
    echoedParams: ['station_id'],
    payload: StationStatusMessage,
    qos: 1,
    retain: true,
    publishers: ['ocpp-csms'],
    subscribers: ['gridpilot-optimizer', 'console'],
  }),
  stationMeter: entry({
    key: 'station.meter',
    version: 1,
    pattern: 'energy/stations/+/meter',
    params: ['station_id'],
    echoedParams: ['station_id'],
    payload: StationMeterMessage,
    qos: 1,
    retain: false,
    publishers: ['ocpp-csms'],
    subscribers: ['gridpilot-optimizer', 'console'],
  }),
  siteChargingLimit: entry({
    key: 'site.charging-limit.set',
    version: 1,
    pattern: 'v1.site.charging-limit.set',
    params: [],
    echoedParams: [],
    payload: SiteChargingLimitDto,
    qos: 1,
    retain: false,
    publishers: ['gridpilot-optimizer'],
    subscribers: ['ocpp-csms', 'console'],
  }),
  revokedSessions: entry({
    key: 'auth.revoked-sessions',
    version: 1,
    pattern: 'v1.auth.revoked-sessions',
    params: [],
    echoedParams: [],
    payload: RevokedSessionsDto,
    qos: 1,
    retain: true,
    publishers: ['solarhub-api'],
    subscribers: ['solarhub-api', 'gridpilot-optimizer', 'ocpp-csms', 'plant-simulator', 'iot-mock'],
  }),
} as const;

export type TopicKey = keyof typeof TOPIC_REGISTRY;

/** The concrete topic of `entry` for its parameters, in order (`energy/devices/bess-1/data`). */
export function buildTopic(e: TopicEntry, ...params: string[]): string {
  if (params.length !== e.params.length) throw new Error(`topic ${e.key} takes ${e.params.length} parameters`);
  let i = 0;
  return e.pattern
    .split('/')
    .map((segment) => (segment === '+' ? params[i++] : segment))
    .join('/');
}

/** The parameters of `topic` when it matches the entry's pattern, null otherwise. */
export function matchTopic(e: TopicEntry, topic: string): Record<string, string> | null {
  const want = e.pattern.split('/');
  const got = topic.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  let i = 0;
  for (let s = 0; s < want.length; s++) {
    if (want[s] === '+') {
      if (got[s].length === 0) return null;
      params[e.params[i++]] = got[s];
    } else if (want[s] !== got[s]) return null;
  }
  return params;
}

/** The same pattern under another prefix (plant readings' prefix is configurable). */
export function withPrefix(e: TopicEntry, defaultPrefix: string, prefix: string): TopicEntry {
  return e.pattern.startsWith(`${defaultPrefix}/`)
    ? { ...e, pattern: `${prefix}${e.pattern.slice(defaultPrefix.length)}` }
    : e;
}
