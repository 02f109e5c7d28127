import { TOPIC_REGISTRY, buildTopic, withPrefix } from './registry';

/**
 * The topic builders other code has always used, derived from TOPIC_REGISTRY (registry.ts), the
 * one place a topic is declared.
 */
const R = TOPIC_REGISTRY;
export const DEVICE_TOPICS = {
  data: (deviceId: string): string => buildTopic(R.deviceData, deviceId),
  status: (deviceId: string): string => buildTopic(R.deviceStatus, deviceId),
  commands: (deviceId: string): string => buildTopic(R.deviceCommands, deviceId),
  commandAck: (deviceId: string): string => buildTopic(R.deviceCommandAcks, deviceId),
  allData: R.deviceData.pattern,
  allStatus: R.deviceStatus.pattern,
  allCommands: R.deviceCommands.pattern,
  allCommandAcks: R.deviceCommandAcks.pattern,
} as const;

/** Each simulator service's own presence (retained; its MQTT last will marks it offline). */
export const SERVICE_TOPICS = {
  status: (service: string): string => buildTopic(R.serviceStatus, service),
} as const;

export const PLANT_TOPICS = {
  defaultPrefix: 'energy/plants',
  reading: (prefix: string, plantId: string): string =>
    buildTopic(withPrefix(R.plantReading, PLANT_TOPICS.defaultPrefix, prefix), plantId),
  allReadings: (prefix: string): string => withPrefix(R.plantReading, PLANT_TOPICS.defaultPrefix, prefix).pattern,
} as const;

/** What ocpp-csms publishes per charging station (any OCPP 1.6-J charger). */
export const STATION_TOPICS = {
  status: (stationId: string): string => buildTopic(R.stationStatus, stationId),
  meter: (stationId: string): string => buildTopic(R.stationMeter, stationId),
  allStatus: R.stationStatus.pattern,
  allMeter: R.stationMeter.pattern,
} as const;

/** Bus patterns between apps (MQTT in embedded mode, Redis when REDIS_URL is set). */
export const BUS_PATTERNS = {
  siteChargingLimit: R.siteChargingLimit.pattern,
  /** solarhub-api's list of revoked sessions (RevokedSessionsDto); retained on MQTT, also a Redis key. */
  revokedSessions: R.revokedSessions.pattern,
} as const;

/** The device id inside a device topic, or null when the topic is not one. */
export function deviceIdOfTopic(topic: string): string | null {
  const match = /^energy\/devices\/([^/]+)\/(data|status|commands)(\/ack)?$/.exec(topic);
  return match ? match[1] : null;
}
