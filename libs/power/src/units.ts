/** Watts in one kilowatt and kilowatts in one megawatt: the only unit factors the platform uses. */
export const KW_PER_MW = 1000;
export const W_PER_KW = 1000;

export const mwToKw = (valueMw: number): number => valueMw * KW_PER_MW;
export const kwToMw = (powerKw: number): number => powerKw / KW_PER_MW;
export const kwToW = (powerKw: number): number => powerKw * W_PER_KW;
export const wToKw = (powerW: number): number => powerW / W_PER_KW;

/** Rounds to a fixed number of decimals without the binary noise of 0.1 + 0.2 (1e-6 MW = 1 W). */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * factor) / factor;
}

export const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
