import { SiteClock } from '@lib/config';
import { roundTo, seededRandom } from '@lib/power';
import type { PricePoint, PriceSource } from './price-point';

const HOUR_MS = 3_600_000;

/** A reproducible number in [0, 1) for one (seed, channel, index): the same slot always gets the same draw. */
function draw(seed: number, channel: number, index: number): number {
  const mixed = Math.imul(index ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(channel + 1, 0xc2b2ae35) ^ seed;
  return seededRandom(mixed >>> 0)();
}

/** Smooth noise in [−1, 1]: random values at knots `periodMs` apart, cosine-interpolated. */
function valueNoise(seed: number, channel: number, t: number, periodMs: number): number {
  const x = t / periodMs;
  const i = Math.floor(x);
  const f = (1 - Math.cos((x - i) * Math.PI)) / 2;
  const a = draw(seed, channel, i) * 2 - 1;
  const b = draw(seed, channel, i + 1) * 2 - 1;
  return a + (b - a) * f;
}

const bump = (hour: number, centre: number, width: number): number => {
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(d * d) / (2 * width * width));
};

/**
 * The daily shape of a solar-heavy market (UTC hours): a morning ramp, a midday solar dip and an
 * evening peak, around 1.0 on average.
 */
export function dailyShape(hour: number): number {
  return 0.78 + 0.25 * bump(hour, 8, 1.5) - 0.18 * bump(hour, 13, 2.5) + 0.5 * bump(hour, 19, 2);
}

/** Weekends are cheaper. */
export const weeklyShape = (day: number): number => (day === 0 || day === 6 ? 0.85 : 1.04);

/**
 * A simulated market, deterministic in time: the price of an interval depends only on the seed and
 * the interval's start, so history can be written for days before the first start and a restart
 * sees the same past. Energy prices follow the daily and weekly shapes, weather-like regimes (noise
 * smooth over six hours), interval noise and rare spikes of 2.5–5× lasting an hour.
 */
export class SimulatedMarket implements PriceSource {
  readonly name = 'simulated';
  readonly canBackfill = true;

  private readonly clock: SiteClock;

  /** `timezone`: the site's; the daily and weekly shapes follow its clock (the sun and the working week do). */
  constructor(private readonly options: { seed: number; basePerMwh: number; intervalMin: number; timezone?: string }) {
    this.clock = new SiteClock(options.timezone ?? 'UTC');
  }

  at(start: Date): PricePoint {
    const { seed, basePerMwh } = this.options;
    const t = start.getTime();
    const slot = Math.floor(t / (this.options.intervalMin * 60_000));
    const hourIndex = Math.floor(t / HOUR_MS);
    const hour = this.clock.hourOfDay(t);
    const regime = 1 + 0.15 * valueNoise(seed, 1, t, 6 * HOUR_MS);
    const noise = 1 + 0.05 * (draw(seed, 2, slot) * 2 - 1);
    const spike = draw(seed, 3, hourIndex) < 0.012 ? 2.5 + 2.5 * draw(seed, 4, hourIndex) : 1;
    const energy = basePerMwh * dailyShape(hour) * weeklyShape(this.clock.weekday(t) % 7) * regime * noise * spike;
    return {
      at: start,
      energyPrice: roundTo(energy, 2),
      hashPrice: roundTo(8 * (1 + 0.1 * valueNoise(seed, 5, t, 24 * HOUR_MS)), 3),
      tokenPrice: roundTo(3 * (1 + 0.05 * valueNoise(seed, 6, t, 12 * HOUR_MS)), 3),
      volume: Math.round(1000 * (0.6 + 0.4 * dailyShape(hour)) * (1 + 0.1 * (draw(seed, 7, slot) * 2 - 1))),
    };
  }

  fetch(from: Date, to: Date): Promise<PricePoint[]> {
    const stepMs = this.options.intervalMin * 60_000;
    const points: PricePoint[] = [];
    for (let t = Math.ceil(from.getTime() / stepMs) * stepMs; t < to.getTime(); t += stepMs) {
      points.push(this.at(new Date(t)));
    }
    return Promise.resolve(points);
  }
}
