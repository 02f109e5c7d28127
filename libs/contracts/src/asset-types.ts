/** The site's energy assets, beside document 002's loads (devices.ts). */
export const ASSET_DEVICE_TYPES = ['pv_inverter', 'bess', 'pcs', 'meter', 'ev_charger'] as const;
export type AssetDeviceType = (typeof ASSET_DEVICE_TYPES)[number];
