/**
 * Every MQTT topic and bus pattern of the platform, declared once. Producers and consumers import
 * these; no topic string is written anywhere else.
 */
export const DEVICE_TOPICS = {
  data: (deviceId: string): string => `energy/devices/${deviceId}/data`,
  status: (deviceId: string): string => `energy/devices/${deviceId}/status`,
  commands: (deviceId: string): string => `energy/devices/${deviceId}/commands`,
  commandAck: (deviceId: string): string => `energy/devices/${deviceId}/commands/ack`,
  allData: 'energy/devices/+/data',
  allStatus: 'energy/devices/+/status',
  allCommands: 'energy/devices/+/commands',
  allCommandAcks: 'energy/devices/+/commands/ack',
} as const;

/** Each simulator service's own presence (retained; its MQTT last will marks it offline). */
export const SERVICE_TOPICS = {
  status: (service: string): string => `energy/services/${service}/status`,
} as const;

export const PLANT_TOPICS = {
  defaultPrefix: 'energy/plants',
  reading: (prefix: string, plantId: string): string => `${prefix}/${plantId}/reading`,
  allReadings: (prefix: string): string => `${prefix}/+/reading`,
} as const;

/** Bus patterns between apps (MQTT in embedded mode, Redis when REDIS_URL is set). */
export const BUS_PATTERNS = {
  siteChargingLimit: 'v1.site.charging-limit.set',
  /** solarhub-api's list of revoked sessions (RevokedSessionsDto); retained on MQTT, also a Redis key. */
  revokedSessions: 'v1.auth.revoked-sessions',
} as const;

/** The device id inside a device topic, or null when the topic is not one. */
export function deviceIdOfTopic(topic: string): string | null {
  const match = /^energy\/devices\/([^/]+)\/(data|status|commands)(\/ack)?$/.exec(topic);
  return match ? match[1] : null;
}
