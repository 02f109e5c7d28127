import { clamp } from './units';
import { Random, uniform } from './random';

export interface WalkBounds {
  min: number;
  max: number;
  /** Largest change of one step, in the unit of the walk. */
  step: number;
}

export function assertWalkBounds({ min, max, step }: WalkBounds): void {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    throw new RangeError(`walk bounds must satisfy 0 <= min <= max (got min=${min}, max=${max})`);
  }
  if (!Number.isFinite(step) || step < 0) {
    throw new RangeError(`walk step must be a finite number >= 0 (got ${step})`);
  }
}

/** One step of a bounded random walk: moves by at most `step` and never leaves [min, max]. */
export function walkStep(current: number, bounds: WalkBounds, random: Random): number {
  return clamp(current + uniform(random, -bounds.step, bounds.step), bounds.min, bounds.max);
}

/** Where a walk starts: anywhere inside its bounds. */
export function walkStart(bounds: WalkBounds, random: Random): number {
  return uniform(random, bounds.min, bounds.max);
}
