import { allocateFairShare } from '@lib/power';

export type SessionState = 'charging' | 'idle' | 'not_charging';

/** An open session as the planner sees it. Sessions come earliest first. */
export interface PlanSession {
  transactionId: number;
  stationId: string;
  /** The station takes profiles (or has not refused them yet). */
  controllable: boolean;
  state: SessionState;
  /** Latest measured power (W), or null when none was reported. */
  measuredW: number | null;
  maxW: number;
}

export interface PlanInput {
  limitW: number;
  sessions: PlanSession[];
  /** Other load the CSMS cannot steer: stray readings, sessions of stations not connected (W). */
  otherUncontrolledW: number;
  minW: number;
  safetyMarginPct: number;
  idleShare: 'min' | 'none';
}

export interface Plan {
  uncontrolledW: number;
  budgetW: number;
  /** For every controllable session; 0 for those not charging. */
  shares: Map<number, number>;
}

/**
 * Measures before it shares: what the uncontrollable sessions draw (their latest reading, or
 * their maximum while nothing is known) plus the other uncontrolled load, with the safety margin,
 * comes off the limit; the rest is shared fairly among the controllable sessions that charge.
 * Idle ones are offered the minimum (or nothing), so they may start to draw again.
 */
export function planSite(input: PlanInput): Plan {
  const measured = input.sessions
    .filter((s) => !s.controllable)
    .reduce((sum, s) => sum + Math.max(0, s.measuredW ?? s.maxW), 0);
  const uncontrolledW = (measured + Math.max(0, input.otherUncontrolledW)) * (1 + input.safetyMarginPct / 100);
  const budgetW = Math.max(0, input.limitW - uncontrolledW);
  const steerable = input.sessions.filter((s) => s.controllable);
  const claimants = steerable
    .filter((s) => s.state !== 'not_charging' && !(s.state === 'idle' && input.idleShare === 'none'))
    .map((s) => ({
      id: String(s.transactionId),
      minW: input.minW,
      maxW: s.state === 'idle' ? Math.min(input.minW, s.maxW) : s.maxW,
    }));
  const fair = allocateFairShare(budgetW, claimants);
  const shares = new Map(steerable.map((s) => [s.transactionId, fair.get(String(s.transactionId)) ?? 0]));
  return { uncontrolledW, budgetW, shares };
}

/**
 * Which shares to send: a change of no more than `stepW` keeps what the station already has,
 * unless the kept values together would pass the budget; then the largest kept excesses are sent
 * after all. Returns the limit each session ends up with and the sessions that need a profile.
 */
export function changesToSend(
  targets: Map<number, number>,
  sent: Map<number, number>,
  stepW: number,
  budgetW: number,
): { effective: Map<number, number>; send: Set<number> } {
  const effective = new Map<number, number>();
  const send = new Set<number>();
  for (const [id, target] of targets) {
    const before = sent.get(id);
    if (before !== undefined && Math.abs(before - target) <= stepW) effective.set(id, before);
    else {
      effective.set(id, target);
      send.add(id);
    }
  }
  let total = [...effective.values()].reduce((a, b) => a + b, 0);
  const excesses = [...effective]
    .filter(([id, value]) => !send.has(id) && value > (targets.get(id) ?? 0))
    .sort((a, b) => b[1] - (targets.get(b[0]) ?? 0) - (a[1] - (targets.get(a[0]) ?? 0)));
  for (const [id, value] of excesses) {
    if (total <= budgetW + 1e-6) break;
    const target = targets.get(id) ?? 0;
    total -= value - target;
    effective.set(id, target);
    send.add(id);
  }
  return { effective, send };
}
