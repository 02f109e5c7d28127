/**
 * The site-limit card's rows: every open session with what the CSMS sent it and what it would get
 * under a limit (lib/fair-share, ocpp-csms's own rule), over all sessions however many; the filter
 * that finds one by its station; and which stations the card follows live.
 *
 * What a session's share depends on comes from the best source there is: the CSMS's plan (its own
 * view of each session: state, measured draw, whether it is steered), else the station's live
 * values (the card follows the stations of the rows in view and, while there is a limit to share,
 * those of the sessions no plan covers, up to a budget), else what the lists say (a session with
 * nothing known is taken as charging, as the CSMS takes it).
 */
import type { CsmsAnswer } from '../api/types';
import type { CsmsStation, CsmsTransaction } from './charging';
import { CSMS_SITE_DEFAULTS, fairShares, sessionStateOf, type SharePlan, type ShareSession } from './fair-share';
import type { StationMeterData, StationStatusData } from './live-store';

/** GET /site/charging_limit. */
export type SitePlan = CsmsAnswer<'/site/charging_limit'>;
export type SiteAllocation = SitePlan['allocations'][number];

/** Where a row's state and draw come from. */
export type ShareSource = 'plan' | 'live' | 'assumed';

export interface ShareRow {
  transaction: CsmsTransaction;
  allocation: SiteAllocation | undefined;
  connected: boolean;
  measuredW: number | null;
  source: ShareSource;
}

export interface ShareRows {
  /** Every open session, earliest first (the order minimums are handed out in). */
  rows: ShareRow[];
  /** The shares under `previewW`, over every session; null without a limit. */
  share: SharePlan | null;
  /** How many rows' state and draw are assumed (neither planned nor followed). */
  assumed: number;
}

export interface ShareSources {
  transactions: readonly CsmsTransaction[];
  plan: SitePlan | undefined;
  statuses: ReadonlyMap<string, { data: StationStatusData }>;
  /** Keyed `station/connector`. */
  meters: ReadonlyMap<string, { data: StationMeterData }>;
  stations: ReadonlyMap<string, CsmsStation>;
  /** The limit to share (W), or null for none. */
  previewW: number | null;
}

export function shareRows(input: ShareSources): ShareRows {
  const open = input.transactions
    .filter((t) => t.active)
    .sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at) || a.transaction_id - b.transaction_id);
  const allocations = new Map((input.plan?.allocations ?? []).map((a) => [a.transaction_id, a]));
  const control = new Map((input.plan?.stations ?? []).map((s) => [s.station_id, s]));
  let otherUncontrolledW = 0;
  let assumed = 0;
  const sessions: ShareSession[] = [];
  const rows = open.map((t): ShareRow => {
    const allocation = allocations.get(t.transaction_id);
    const live = input.statuses.get(t.station_id)?.data;
    const meter = input.meters.get(`${t.station_id}/${t.connector_id}`)?.data;
    const connected = live ? live.connected : (input.stations.get(t.station_id)?.connected ?? true);
    const measuredW = allocation?.measured_w ?? meter?.power_w ?? null;
    const connectorStatus = live?.connectors.find((c) => c.connector_id === t.connector_id)?.status;
    const source: ShareSource = allocation ? 'plan' : live || meter ? 'live' : 'assumed';
    if (source === 'assumed') assumed++;
    if (!connected) otherUncontrolledW += Math.max(0, measuredW ?? 0);
    else
      sessions.push({
        transactionId: t.transaction_id,
        controllable: allocation
          ? allocation.status !== 'uncontrolled' && allocation.status !== 'disconnected'
          : (control.get(t.station_id)?.controllable ?? true),
        state: allocation?.state ?? sessionStateOf(connectorStatus),
        measuredW,
        maxW: input.stations.get(t.station_id)?.max_power_w ?? CSMS_SITE_DEFAULTS.stationMaxW,
      });
    return { transaction: t, allocation, connected, measuredW, source };
  });
  const share = input.previewW === null ? null : fairShares({ limitW: input.previewW, sessions, otherUncontrolledW });
  return { rows, share, assumed };
}

/** The rows whose station id holds `text` (any case); all of them for an empty text. */
export function filterShareRows(rows: readonly ShareRow[], text: string): readonly ShareRow[] {
  const q = text.trim().toLowerCase();
  return q === '' ? rows : rows.filter((r) => r.transaction.station_id.toLowerCase().includes(q));
}

/** At most this many stations the card follows besides those in view (the host takes 2,000 a browser). */
export const FOLLOW_BUDGET = 1000;

/**
 * The stations to follow live: those of the rows in view, then those of sessions the plan does not
 * cover (their state and draw are known only live), earliest first, up to `budget` more.
 */
export function stationsToFollow(
  inView: readonly ShareRow[],
  rows: readonly ShareRow[],
  budget = FOLLOW_BUDGET,
): string[] {
  const ids = new Set(inView.map((r) => r.transaction.station_id));
  let extra = 0;
  for (const r of rows) {
    if (extra >= budget) break;
    if (r.allocation || ids.has(r.transaction.station_id)) continue;
    ids.add(r.transaction.station_id);
    extra++;
  }
  return [...ids].sort();
}
