/**
 * The site's physical models, written once: the five flexible loads' daily profiles, PV, BESS
 * (SOC, set-points, round-trip efficiency), PCS, meters and inverters, and the device that
 * carries them (telemetry, status, commands). iot-mock simulates the field with them; tests build
 * realistic telemetry from them (libs/testing).
 */
export * from './assets';
export * from './profiles';
export * from './simulated-device';
