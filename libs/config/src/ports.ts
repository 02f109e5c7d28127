/** Default HTTP ports (ARCHITECTURE.md). `PORT` overrides each. */
export const DEFAULT_PORTS = {
  'solarhub-api': 8000,
  'gridpilot-optimizer': 8001,
  'ocpp-csms': 8002,
  'plant-simulator': 8090,
  'iot-mock': 8091,
  console: 3000,
} as const;

export type AppName = keyof typeof DEFAULT_PORTS;
export const APP_NAMES = Object.keys(DEFAULT_PORTS) as AppName[];

export const DEFAULT_OCPP_PORT = 9000;
