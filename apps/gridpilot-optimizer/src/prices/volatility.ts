import type { PricePoint } from './price-point';

const DAY_MS = 86_400_000;

/** Per point, the coefficient of variation of the energy price over the 24 hours before it. */
export function rollingVolatility(points: readonly PricePoint[]): number[] {
  const out: number[] = [];
  let start = 0;
  let sum = 0;
  let sumSq = 0;
  points.forEach((p, i) => {
    sum += p.energyPrice;
    sumSq += p.energyPrice ** 2;
    while (points[start].at.getTime() <= p.at.getTime() - DAY_MS) {
      sum -= points[start].energyPrice;
      sumSq -= points[start].energyPrice ** 2;
      start += 1;
    }
    const n = i - start + 1;
    const mean = sum / n;
    const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
    out.push(mean === 0 ? 0 : Math.sqrt(variance) / Math.abs(mean));
  });
  return out;
}
