import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import {
  commonConfig,
  CommonConfig,
  DEFAULT_PORTS,
  Env,
  MqttConfig,
  mqttConfig,
  MqttEnv,
  processEnv,
  refuseDefaultSecrets,
  siteTimezone,
  validateEnv,
} from '@lib/config';

/** Document 002's broker password; fine on a laptop, refused in production. */
export const DOCUMENTED_MQTT_PASSWORD = 'iot123';
export const DEFAULT_IOT_DATABASE_URL = 'sqlite:data/iot-mock.sqlite';

export class IotMockEnv extends MqttEnv {
  /** Document 002's broker settings; MQTT_URL, when set, wins over them. */
  @IsString() MQTT_BROKER_HOST = 'localhost';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  MQTT_BROKER_PORT = 1883;

  @IsString() MQTT_USERNAME = 'iot_user';
  @IsString() MQTT_PASSWORD = DOCUMENTED_MQTT_PASSWORD;

  /**
   * The simulator's name on the bus: its presence topic `energy/services/<name>/status` (its last
   * will) and the `service` of its devices' statuses. The bus ACL lets iot-mock publish only
   * `energy/services/iot-mock/status`: change it only on a broker without that ACL.
   */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits, dots, dashes or underscores' })
  IOT_SERVICE_NAME = 'iot-mock';

  /** Seconds between data messages of a device (each device may override it by command). */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(3600)
  SIMULATION_INTERVAL = 5.0;

  /** Relative noise on readings: 0.1 is ±10 %. */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  DATA_VARIATION_PERCENT = 0.1;

  /** Chance per reading that a device falls into a random fault (0 = only injected faults). */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  FAULT_PROBABILITY = 0;

  @IsIn(['true', 'false']) SIMULATION_AUTOSTART: 'true' | 'false' = 'true';
  @IsIn(['true', 'false']) DEFAULT_DEVICES: 'true' | 'false' = 'true';

  /** Where simulated EV chargers (ev_charger) dial in: the CSMS's OCPP-J endpoint, without the id. */
  @Matches(/^wss?:\/\/.+/, { message: 'must be a ws:// or wss:// URL' })
  CSMS_OCPP_URL = 'ws://127.0.0.1:9000';

  /** Seconds between MeterValues of a charging EV charger. */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.2)
  @Max(3600)
  EV_METER_INTERVAL_S = 10;

  /**
   * Simulated drivers: ev_charger devices whose id matches one of these patterns (comma separated,
   * `*` for any text) get cars that arrive and leave on a daily pattern; empty for none. The
   * launcher (`npm start`) creates charger-1 … charger-4.
   */
  @Matches(/^[A-Za-z0-9_.:*-]*(,[A-Za-z0-9_.:*-]+)*$/, {
    message: 'must be a comma-separated list of device id patterns',
  })
  EV_DRIVERS = 'charger-*';

  /** Demo: the first of those chargers gets a car within a minute of start, whatever the time of day. */
  @IsIn(['true', 'false']) EV_DRIVERS_DEMO: 'true' | 'false' = 'true';

  /** Seed of the drivers' pattern: the same seed gives the same arrivals, SOCs and id tags. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  EV_DRIVERS_SEED = 1;

  /** How long REST /command waits for the device's acknowledgement before 504. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  COMMAND_TIMEOUT_MS = 5000;

  /** Readings kept while the broker is away, sent when it returns; beyond this the oldest are dropped (and counted). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  OFFLINE_QUEUE_MAX = 100_000;

  /** Largest MQTT command payload accepted; larger ones are refused with an error ack. */
  @Type(() => Number)
  @IsInt()
  @Min(256)
  @Max(1_048_576)
  COMMAND_MAX_BYTES = 16_384;
}

export interface IotMockConfig extends CommonConfig {
  mqtt: MqttConfig;
  /** Name on the bus: presence topic and devices' `service`. */
  serviceName: string;
  databaseUrl: string;
  simulation: {
    intervalMs: number;
    variation: number;
    faultProbability: number;
    autostart: boolean;
    defaultDevices: boolean;
    /** Readings held while the broker is away. */
    offlineQueueMax: number;
  };
  commands: { timeoutMs: number; maxBytes: number };
  ev: {
    csmsUrl: string;
    meterIntervalMs: number;
    /** Simulated drivers: which chargers, demo car on start, seed and site time zone. */
    drivers: { devices: string[]; demo: boolean; seed: number; timeZone: string };
  };
}

export function loadIotMockConfig(env: Env = processEnv()): IotMockConfig {
  const e = validateEnv(IotMockEnv, env);
  const usesDocumentedBroker = !e.MQTT_URL;
  if (usesDocumentedBroker) {
    refuseDefaultSecrets(e.NODE_ENV === 'production', [
      { name: 'MQTT_PASSWORD', value: e.MQTT_PASSWORD, developmentDefault: DOCUMENTED_MQTT_PASSWORD },
    ]);
  }
  const mqtt = usesDocumentedBroker
    ? mqttConfig({ ...e, MQTT_URL: `mqtt://${e.MQTT_BROKER_HOST}:${e.MQTT_BROKER_PORT}` }, 'iot-mock')
    : mqttConfig(e, 'iot-mock');
  if (!mqtt) throw new Error('unreachable: a broker URL is always set');
  if (usesDocumentedBroker) Object.assign(mqtt, { username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD });
  return {
    ...commonConfig(e, DEFAULT_PORTS['iot-mock']),
    mqtt,
    serviceName: e.IOT_SERVICE_NAME,
    databaseUrl: e.DATABASE_URL ?? DEFAULT_IOT_DATABASE_URL,
    simulation: {
      intervalMs: Math.round(e.SIMULATION_INTERVAL * 1000),
      variation: e.DATA_VARIATION_PERCENT,
      faultProbability: e.FAULT_PROBABILITY,
      autostart: e.SIMULATION_AUTOSTART === 'true',
      defaultDevices: e.DEFAULT_DEVICES === 'true',
      offlineQueueMax: e.OFFLINE_QUEUE_MAX,
    },
    commands: { timeoutMs: e.COMMAND_TIMEOUT_MS, maxBytes: e.COMMAND_MAX_BYTES },
    ev: {
      csmsUrl: e.CSMS_OCPP_URL.replace(/\/+$/, ''),
      meterIntervalMs: Math.round(e.EV_METER_INTERVAL_S * 1000),
      drivers: {
        devices: e.EV_DRIVERS.split(',')
          .map((p) => p.trim())
          .filter((p) => p.length > 0),
        demo: e.EV_DRIVERS_DEMO === 'true',
        seed: e.EV_DRIVERS_SEED,
        timeZone: siteTimezone(e),
      },
    },
  };
}
