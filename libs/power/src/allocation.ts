export interface Claimant {
  id: string;
  /** Below this the consumer cannot run at all (an EV charger's 6 A). */
  minW: number;
  /** It cannot use more than this. */
  maxW: number;
}

/**
 * Shares `limitW` fairly: every claimant first gets its minimum, in the order given (earliest
 * first), as long as the limit allows; those that do not fit get 0 (paused). What is left is
 * water-filled: equal shares, with a claimant's surplus above its maximum going to the others.
 */
export function allocateFairShare(limitW: number, claimants: readonly Claimant[]): Map<string, number> {
  const shares = new Map<string, number>(claimants.map((c) => [c.id, 0]));
  let left = Math.max(0, limitW);
  const running: Claimant[] = [];
  for (const c of claimants) {
    const min = Math.min(c.minW, c.maxW);
    if (min <= left) {
      shares.set(c.id, min);
      left -= min;
      running.push(c);
    }
  }
  let open = running.filter((c) => (shares.get(c.id) ?? 0) < c.maxW);
  while (left > 1e-9 && open.length > 0) {
    const each = left / open.length;
    let given = 0;
    for (const c of open) {
      const share = shares.get(c.id) ?? 0;
      const add = Math.min(each, c.maxW - share);
      shares.set(c.id, share + add);
      given += add;
    }
    left -= given;
    open = open.filter((c) => (shares.get(c.id) ?? 0) < c.maxW - 1e-9);
    if (given <= 1e-9) break;
  }
  return shares;
}
