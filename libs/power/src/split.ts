import { roundTo } from './units';
import { Random, uniform } from './random';

/** The share of a total that goes to the first of two sources, e.g. 0.45–0.55. */
export interface ShareRange {
  minShare: number;
  maxShare: number;
}

export const CONSUMPTION_SHARE: ShareRange = { minShare: 0.45, maxShare: 0.55 };
export const GENERATION_SHARE: ShareRange = { minShare: 0.48, maxShare: 0.52 };

export const drawShare = (random: Random, range: ShareRange): number => uniform(random, range.minShare, range.maxShare);

/**
 * Splits a total between two sources. Both parts are rounded to `decimals` and the second is
 * taken as the remainder, so the parts always add up to the rounded total.
 */
export function splitInTwo(total: number, firstShare: number, decimals = 6): [number, number] {
  const roundedTotal = roundTo(total, decimals);
  const first = roundTo(roundedTotal * firstShare, decimals);
  return [first, roundTo(roundedTotal - first, decimals)];
}
