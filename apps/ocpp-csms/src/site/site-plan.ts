import { toOcppLimit } from '@lib/ocpp';
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
 * Which shares to send, so that a start or a stop does not re-send everyone's profile. A session
 * whose fair target is within `stepW` of what its station has keeps it; the others share what the
 * kept ones leave (up to their targets). When that is not enough (below the budget, or short of a
 * minimum the fair plan gives), the kept sessions with the largest limits are released into the
 * share, one by one. A session whose new value is at most `stepW` above what it has is not sent
 * either (a lower kept value never passes the budget). The sum never passes the budget.
 */
export function changesToSend(
  targets: Map<number, number>,
  sent: ReadonlyMap<number, number>,
  stepW: number,
  budgetW: number,
  minW: number,
): { effective: Map<number, number>; send: Set<number> } {
  const kept = new Map<number, number>();
  for (const [id, target] of targets) {
    const before = sent.get(id);
    if (before !== undefined && Math.abs(before - target) <= stepW) kept.set(id, before);
  }
  let shares = new Map<number, number>();
  for (;;) {
    const left = budgetW - [...kept.values()].reduce((a, b) => a + b, 0);
    const free = [...targets].filter(([id]) => !kept.has(id));
    const fair = allocateFairShare(
      Math.max(0, left),
      free.map(([id, target]) => ({ id: String(id), minW: Math.min(minW, target), maxW: target })),
    );
    shares = new Map(free.map(([id]) => [id, toOcppLimit(fair.get(String(id)) ?? 0)]));
    const short = free.some(([id, target]) => target >= minW && (shares.get(id) ?? 0) < minW - 1e-6);
    if ((left >= -1e-6 && !short) || kept.size === 0) break;
    const largest = [...kept].sort((a, b) => b[1] - a[1])[0][0];
    kept.delete(largest);
  }
  const effective = new Map<number, number>();
  const send = new Set<number>();
  for (const id of targets.keys()) {
    const before = sent.get(id);
    const value = kept.get(id) ?? shares.get(id) ?? 0;
    if (before !== undefined && before <= value && value - before <= stepW) effective.set(id, before);
    else {
      effective.set(id, value);
      if (before !== value) send.add(id);
    }
  }
  return { effective, send };
}
