import { roundTo } from './units';

export interface PowerTotalsMw {
  generationMw: number;
  consumptionMw: number;
  /** Positive when the site exports to the grid, negative when it imports. */
  exportedMw: number;
}

export function powerTotals(generationMw: number, consumptionMw: number, decimals = 6): PowerTotalsMw {
  const g = roundTo(generationMw, decimals);
  const c = roundTo(consumptionMw, decimals);
  return { generationMw: g, consumptionMw: c, exportedMw: roundTo(g - c, decimals) };
}

/** Power left after the loads: what can still be given to flexible loads or a battery. */
export const surplusMw = (generationMw: number, consumptionMw: number): number =>
  Math.max(0, generationMw - consumptionMw);
