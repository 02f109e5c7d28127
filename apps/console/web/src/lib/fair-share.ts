/**
 * The share of the site charging limit each open session gets, by ocpp-csms's own rule
 * (apps/ocpp-csms/src/site/site-plan.ts `planSite`, over libs/power `allocateFairShare`), so the
 * page can say what a limit not yet set would give. It measures before it shares: what the
 * sessions the CSMS cannot steer draw (their latest reading, or their maximum while nothing is
 * known) plus other uncontrolled load, with the safety margin, comes off the limit; the rest goes
 * to the steerable sessions that charge: each first gets its minimum, earliest first, while the
 * budget allows (the others pause at 0), then what is left is water-filled in equal shares, a
 * session's surplus above its maximum going to the others. Idle sessions are offered the minimum.
 */

/** ocpp-csms's defaults (STATION_MIN_POWER_W, SITE_SAFETY_MARGIN_PCT, SITE_IDLE_SHARE, STATION_DEFAULT_MAX_POWER_W). */
export const CSMS_SITE_DEFAULTS = {
  minW: 1_380,
  safetyMarginPct: 10,
  idleShare: 'min' as 'min' | 'none',
  stationMaxW: 22_080,
};

// The same sharing the CSMS runs: minimums first (in order, while they fit), then water-filling.
export { allocateFairShare, type Claimant } from '@lib/power';
import { allocateFairShare } from '@lib/power';

export type SessionState = 'charging' | 'idle' | 'not_charging';

/** An open session; give them earliest first (the order minimums are handed out in). */
export interface ShareSession {
  transactionId: number;
  /** The station takes profiles (uncontrolled ones are measured, not steered). */
  controllable: boolean;
  state: SessionState;
  /** Latest measured power (W), null when none was reported. */
  measuredW: number | null;
  maxW: number;
}

export interface ShareInput {
  limitW: number;
  sessions: readonly ShareSession[];
  /** Load the CSMS cannot steer besides the sessions (a station not connected still drawing), W. */
  otherUncontrolledW?: number;
  minW?: number;
  safetyMarginPct?: number;
  idleShare?: 'min' | 'none';
}

export interface SharePlan {
  uncontrolledW: number;
  budgetW: number;
  /** Per transaction id: the share (W, rounded down to OCPP's 0.1) of each controllable session. */
  shares: Map<number, number>;
}

/** OCPP 1.6 limits have one decimal; rounded down so a cap stays a cap (libs/ocpp toOcppLimit). */
export const toOcppLimit = (limit: number): number => Math.floor(Math.round(limit * 1000) / 100) / 10;

/** ocpp-csms's planSite, with its defaults. */
export function fairShares(input: ShareInput): SharePlan {
  const minW = input.minW ?? CSMS_SITE_DEFAULTS.minW;
  const margin = input.safetyMarginPct ?? CSMS_SITE_DEFAULTS.safetyMarginPct;
  const idleShare = input.idleShare ?? CSMS_SITE_DEFAULTS.idleShare;
  const measured = input.sessions
    .filter((s) => !s.controllable)
    .reduce((sum, s) => sum + Math.max(0, s.measuredW ?? s.maxW), 0);
  const uncontrolledW = (measured + Math.max(0, input.otherUncontrolledW ?? 0)) * (1 + margin / 100);
  const budgetW = Math.max(0, input.limitW - uncontrolledW);
  const steerable = input.sessions.filter((s) => s.controllable);
  const claimants = steerable
    .filter((s) => s.state !== 'not_charging' && !(s.state === 'idle' && idleShare === 'none'))
    .map((s) => ({
      id: String(s.transactionId),
      minW,
      maxW: s.state === 'idle' ? Math.min(minW, s.maxW) : s.maxW,
    }));
  const fair = allocateFairShare(budgetW, claimants);
  const shares = new Map(
    steerable.map((s) => [s.transactionId, toOcppLimit(fair.get(String(s.transactionId)) ?? 0)] as const),
  );
  return { uncontrolledW, budgetW, shares };
}

const NOT_CHARGING = new Set(['Available', 'Finishing', 'Faulted', 'Unavailable', 'Reserved']);

/** A session's state from its connector's OCPP status, as ocpp-csms reads it (null: not known, charging). */
export function sessionStateOf(connectorStatus: string | null | undefined): SessionState {
  if (connectorStatus && NOT_CHARGING.has(connectorStatus)) return 'not_charging';
  if (connectorStatus === 'SuspendedEV') return 'idle';
  return 'charging';
}
