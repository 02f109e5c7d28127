import type { SiteAllocationDto } from '@lib/contracts';
import { toOcppLimit } from '@lib/ocpp';
import type { TransactionEntity } from '../persistence/entities';
import { Plan, PlanSession, changesToSend, planSite } from './site-plan';

export type Allocation = SiteAllocationDto;

/** One session's share, to be sent to its station (`changed`: it differs from what the station has). */
export interface SendItem {
  tx: TransactionEntity;
  limitW: number;
  changed: boolean;
}

export interface AllocationInput {
  limitW: number;
  sessions: PlanSession[];
  byTx: ReadonlyMap<number, TransactionEntity>;
  otherUncontrolledW: number;
  /** The limit (W) each session's station accepted last. */
  sent: ReadonlyMap<number, number>;
  /** The rows of the plan before: a share that did not change keeps its status and message. */
  previous: readonly Allocation[];
  /** Stations still answering the plan before. */
  busy: (stationId: string) => boolean;
  /** Why a station takes no profile, when it does not. */
  reasonOf: (stationId: string) => string | null;
  minW: number;
  stepW: number;
  safetyMarginPct: number;
  idleShare: 'min' | 'none';
}

export interface Allocated {
  plan: Plan;
  /** One row per session: steered (its share), uncontrolled (what it draws). */
  rows: Allocation[];
  /** By station, the shares of its sessions. */
  toSend: Map<string, SendItem[]>;
}

/**
 * The plan step: the fair plan (planSite), the shares worth sending (changesToSend, so one start
 * does not re-send everyone's profile), and the rows the site status shows.
 */
export function allocate(input: AllocationInput): Allocated {
  const plan = planSite({
    limitW: input.limitW,
    sessions: input.sessions,
    otherUncontrolledW: input.otherUncontrolledW,
    minW: input.minW,
    safetyMarginPct: input.safetyMarginPct,
    idleShare: input.idleShare,
  });
  const targets = new Map([...plan.shares].map(([id, w]) => [id, toOcppLimit(w)]));
  const { effective, send } = changesToSend(targets, input.sent, input.stepW, plan.budgetW, input.minW);
  const previous = new Map(input.previous.map((a) => [a.transaction_id, a]));
  const rows: Allocation[] = [];
  const toSend = new Map<string, SendItem[]>();
  for (const s of input.sessions) {
    const tx = input.byTx.get(s.transactionId);
    if (!tx) continue;
    const base = { station_id: tx.stationId, connector_id: tx.connectorId, transaction_id: tx.id };
    if (!s.controllable) {
      const reason = input.reasonOf(tx.stationId);
      rows.push({
        ...base,
        limit_w: Math.round(s.measuredW ?? s.maxW),
        sent_as: null,
        status: 'uncontrolled',
        state: s.state,
        measured_w: s.measuredW,
        ...(reason && { message: reason }),
      });
      continue;
    }
    const limitW = effective.get(tx.id) ?? 0;
    const before = previous.get(tx.id);
    const changed = send.has(tx.id);
    const busy = input.busy(tx.stationId);
    rows.push({
      ...base,
      limit_w: limitW,
      sent_as: before?.sent_as ?? null,
      status: changed && !busy ? 'pending' : (before?.status ?? 'pending'),
      state: s.state,
      measured_w: s.measuredW,
      ...(before?.message && !changed && { message: before.message }),
    });
    const list = toSend.get(tx.stationId) ?? [];
    list.push({ tx, limitW, changed });
    toSend.set(tx.stationId, list);
  }
  return { plan, rows, toSend };
}
