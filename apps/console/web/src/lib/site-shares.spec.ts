import type { CsmsStation, CsmsTransaction } from './charging';
import { allActiveTransactions, TRANSACTION_PAGE } from './csms-queries';
import { CSMS_SITE_DEFAULTS } from './fair-share';
import type { StationMeterData, StationStatusData } from './live-store';
import {
  filterShareRows,
  shareRows,
  stationsToFollow,
  type ShareSources,
  type SiteAllocation,
  type SitePlan,
} from './site-shares';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const stationId = (i: number): string => `CP-${String(i).padStart(4, '0')}`;

function transaction(i: number, over: Partial<CsmsTransaction> = {}): CsmsTransaction {
  return {
    transaction_id: i,
    station_id: stationId(i),
    connector_id: 1,
    id_tag: 'TAG',
    meter_start_wh: 0,
    meter_stop_wh: null,
    energy_wh: null,
    started_at: new Date(T0 + i * 1000).toISOString(),
    stopped_at: null,
    stop_reason: null,
    active: true,
    ...over,
  };
}

function allocation(t: CsmsTransaction, over: Partial<SiteAllocation> = {}): SiteAllocation {
  return {
    station_id: t.station_id,
    connector_id: t.connector_id,
    transaction_id: t.transaction_id,
    limit_w: 7_000,
    sent_as: 'TxProfile',
    status: 'applied',
    state: 'charging',
    measured_w: 6_900,
    ...over,
  };
}

function plan(allocations: SiteAllocation[], limitW: number | null = 100_000): SitePlan {
  return {
    role: 'leader',
    leader_id: 'me',
    fencing_token: 1,
    failed_sends: [],
    limit: limitW,
    unit: 'W',
    limit_w: limitW,
    uncontrolled_w: 0,
    budget_w: limitW,
    planned_at: new Date(T0).toISOString(),
    allocations,
    stations: [],
  };
}

const status = (
  id: string,
  connected: boolean,
  connectorStatus: StationStatusData['connectors'][number]['status'],
) => ({
  data: {
    station_id: id,
    connected,
    connectors: [
      { connector_id: 1, status: connectorStatus, error_code: 'NoError', transaction_id: null, id_tag: null },
    ],
    timestamp: new Date(T0).toISOString(),
  } satisfies StationStatusData,
});

const meter = (id: string, powerW: number) => ({
  data: {
    station_id: id,
    connector_id: 1,
    transaction_id: null,
    power_w: powerW,
    energy_wh: null,
    session_energy_wh: null,
    soc_pct: null,
    timestamp: new Date(T0).toISOString(),
  } satisfies StationMeterData,
});

function sources(over: Partial<ShareSources>): ShareSources {
  return {
    transactions: [],
    plan: undefined,
    statuses: new Map(),
    meters: new Map(),
    stations: new Map<string, CsmsStation>(),
    previewW: null,
    ...over,
  };
}

describe('the site limit’s share of every session', () => {
  it('shares a limit among 1,500 sessions, each one listed with its share, and any found by its station', () => {
    const transactions = Array.from({ length: 1_500 }, (_, i) => transaction(i + 1)).reverse();
    const limitW = 1_500 * 5_000;
    const { rows, share, assumed } = shareRows(sources({ transactions, previewW: limitW }));
    expect(rows).toHaveLength(1_500);
    // Earliest first, whatever order the CSMS answered in.
    expect(rows[0].transaction.transaction_id).toBe(1);
    expect(rows[1_499].transaction.transaction_id).toBe(1_500);
    expect(share?.shares.size).toBe(1_500);
    // Equal parts of the whole budget (the margin is of uncontrolled load only: none here).
    const total = [...(share?.shares.values() ?? [])].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(limitW);
    expect(total).toBeGreaterThan(limitW - 1_500 * 0.1);
    expect(share?.shares.get(1_400)).toBeCloseTo(5_000, 0);
    // Nothing is known of these sessions: each is taken as charging, and counted as assumed.
    expect(assumed).toBe(1_500);

    const found = filterShareRows(rows, ' cp-1400 ');
    expect(found.map((r) => r.transaction.transaction_id)).toEqual([1_400]);
    expect(filterShareRows(rows, 'CP-14').length).toBe(100);
    expect(filterShareRows(rows, '')).toBe(rows);
    expect(filterShareRows(rows, 'nowhere')).toEqual([]);
  });

  it('gives the minimums earliest first when the limit cannot give each its minimum', () => {
    const transactions = Array.from({ length: 1_200 }, (_, i) => transaction(i + 1));
    const fits = 1_000;
    const { share } = shareRows(sources({ transactions, previewW: fits * CSMS_SITE_DEFAULTS.minW }));
    expect(share?.shares.get(1)).toBeCloseTo(CSMS_SITE_DEFAULTS.minW, 0);
    expect(share?.shares.get(fits)).toBeCloseTo(CSMS_SITE_DEFAULTS.minW, 0);
    expect(share?.shares.get(fits + 1)).toBe(0);
    expect(share?.shares.get(1_200)).toBe(0);
  });

  it('takes each session’s state and draw from the CSMS’s plan, else from live values, else assumes it charges', () => {
    const planned = transaction(1);
    const followed = transaction(2);
    const unknown = transaction(3);
    const gone = transaction(4);
    const { rows, share, assumed } = shareRows(
      sources({
        transactions: [planned, followed, unknown, gone],
        plan: plan([allocation(planned, { status: 'uncontrolled', measured_w: 3_000, sent_as: null })]),
        statuses: new Map([
          [followed.station_id, status(followed.station_id, true, 'SuspendedEV')],
          [gone.station_id, status(gone.station_id, false, 'Charging')],
        ]),
        meters: new Map([
          [`${planned.station_id}/1`, meter(planned.station_id, 9_999)],
          [`${gone.station_id}/1`, meter(gone.station_id, 2_000)],
        ]),
        previewW: 20_000,
      }),
    );
    expect(rows.map((r) => r.source)).toEqual(['plan', 'live', 'assumed', 'live']);
    expect(assumed).toBe(1);
    // The plan's measured draw wins over a live value.
    expect(rows[0].measuredW).toBe(3_000);
    // Uncontrolled: measured 3 kW; not connected: its 2 kW draw; both with the 10 % margin.
    expect(share?.uncontrolledW).toBeCloseTo((3_000 + 2_000) * 1.1);
    expect(share?.shares.has(planned.transaction_id)).toBe(false);
    expect(share?.shares.has(gone.transaction_id)).toBe(false);
    // An idle (SuspendedEV) session is offered the minimum; the unknown one gets the rest.
    expect(share?.shares.get(followed.transaction_id)).toBeCloseTo(CSMS_SITE_DEFAULTS.minW, 0);
    expect(share?.shares.get(unknown.transaction_id)).toBeCloseTo(20_000 - 5_500 - CSMS_SITE_DEFAULTS.minW, 0);
  });

  it('shares nothing without a limit, and leaves closed transactions out', () => {
    const { rows, share } = shareRows(sources({ transactions: [transaction(1), transaction(2, { active: false })] }));
    expect(rows).toHaveLength(1);
    expect(share).toBeNull();
  });

  it('follows the stations in view and those the plan does not cover, within a budget', () => {
    const transactions = Array.from({ length: 50 }, (_, i) => transaction(i + 1));
    const covered = transactions.slice(0, 30).map((t) => allocation(t));
    const { rows } = shareRows(sources({ transactions, plan: plan(covered) }));
    const inView = rows.slice(0, 5);
    const followed = stationsToFollow(inView, rows, 10);
    // The five in view, then the first ten sessions with no plan (31…40).
    expect(followed).toEqual([1, 2, 3, 4, 5, ...Array.from({ length: 10 }, (_, i) => 31 + i)].map(stationId));
    expect(stationsToFollow([], rows)).toHaveLength(20);
  });
});

describe('every open transaction, in pages', () => {
  it('reads the pages after the first together and keeps each session once', async () => {
    const total = 2_500;
    const all = Array.from({ length: total }, (_, i) => transaction(total - i));
    const asked: number[] = [];
    const read = (offset: number) => {
      asked.push(offset);
      // A session that started meanwhile shifts the later pages by one: one repeats.
      const shift = offset === 0 ? 0 : 1;
      return Promise.resolve({ items: all.slice(offset - shift, offset - shift + TRANSACTION_PAGE), total });
    };
    const got = await allActiveTransactions(read);
    expect(asked).toEqual([0, 1_000, 2_000]);
    expect(got).toHaveLength(total);
    expect(new Set(got.map((t) => t.transaction_id)).size).toBe(total);
  });

  it('stops at the first page when the CSMS names no more', async () => {
    const read = jest.fn(() => Promise.resolve({ items: [transaction(1)], total: 1 }));
    expect(await allActiveTransactions(read)).toHaveLength(1);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
