import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { CsmsBody } from '../api/types';
import { api } from '../lib/api';
import type { CsmsStation } from '../lib/charging';
import { csmsKeys, useActiveTransactions, useSitePlan, useStations } from '../lib/csms-queries';
import { CSMS_SITE_DEFAULTS } from '../lib/fair-share';
import { useFollowStations, useLive } from '../lib/live';
import { filterShareRows, shareRows, stationsToFollow, type SiteAllocation, type SitePlan } from '../lib/site-shares';
import { useDebounced } from '../lib/use-debounced';
import { useThrottled } from '../lib/use-throttled';
import { formatDateTime, useSite } from '../lib/site';
import { formatPowerW } from '../lib/units';
import { Badge, ConfirmButton, ErrorNote, IfRole, Loading, Stat, type Outcome } from './ui';

/** A share row's height (px), as `.vrow` sets it: the list is virtualised, a few dozen rows in the DOM. */
const ROW_HEIGHT = 41;

const sessionCount = (n: number): string => (n === 1 ? '1 session' : `${n} sessions`);

const STATUS_TONE: Record<SiteAllocation['status'], 'ok' | 'warn' | 'bad' | 'idle' | 'info'> = {
  applied: 'ok',
  pending: 'info',
  rejected: 'bad',
  error: 'bad',
  uncontrolled: 'warn',
  disconnected: 'idle',
};

function planOutcome(result: unknown): Outcome {
  const plan = result as SitePlan | null;
  if (!plan) return { tone: 'warn', text: 'No answer' };
  const counts = new Map<string, number>();
  for (const a of plan.allocations) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status}`);
  const head = plan.limit_w === null ? 'Limit lifted' : `Limit set to ${formatPowerW(plan.limit_w)}`;
  const failed = (counts.get('rejected') ?? 0) + (counts.get('error') ?? 0);
  return { tone: failed ? 'warn' : 'ok', text: parts.length ? `${head}: ${parts.join(', ')}` : head };
}

/**
 * The site charging limit (GET/PUT /site/charging_limit): what it is, how ocpp-csms shares it
 * among the open sessions, and — for a limit typed but not yet set — the fair share each session
 * would get by the CSMS's own rule (lib/fair-share).
 */
export function SiteLimitCard() {
  const ids = useId();
  const site = useSite();
  const client = useQueryClient();
  const plan = useSitePlan();
  const active = useActiveTransactions();
  const stations = useStations();
  // The shares follow thousands of live values; redrawn every 2 s at most, not on each of them.
  const statuses = useThrottled(useLive('station_status'), 2_000);
  const meters = useThrottled(useLive('station_meter'), 2_000);
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 200);

  const typedKw = typed.trim() === '' ? null : Number(typed);
  const typedValid = typedKw !== null && Number.isFinite(typedKw) && typedKw >= 0 && typedKw <= 100_000;
  const current = plan.data;
  const previewW = typedValid && typedKw !== null ? Math.round(typedKw * 1000) : (current?.limit_w ?? null);

  const stationMap = useMemo(
    () => new Map<string, CsmsStation>((stations.data ?? []).map((s) => [s.station_id, s])),
    [stations.data],
  );

  // Every session and the shares over all of them; the list below shows those matching the filter.
  const computed = useMemo(
    () =>
      shareRows({
        transactions: active.data ?? [],
        plan: current,
        statuses,
        meters,
        stations: stationMap,
        previewW,
      }),
    [active.data, current, statuses, meters, stationMap, previewW],
  );
  const shown = useMemo(() => filterShareRows(computed.rows, q), [computed.rows, q]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const top = items.length ? items[0].start : 0;
  const bottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;

  // Live values for the rows in view (while scrolling, every 150 ms); while there is a limit to share,
  // also for the sessions the CSMS's plan does not cover (a limit typed but not set: all of them).
  const inView = items.map((item) => shown[item.index]).filter((r) => r !== undefined);
  const follow = stationsToFollow(inView, previewW === null ? [] : computed.rows).join('\n');
  useFollowStations(useThrottled(follow, 150).split('\n').filter(Boolean));

  const refresh = async (): Promise<void> => {
    await Promise.all([
      client.invalidateQueries({ queryKey: csmsKeys.site }),
      client.invalidateQueries({ queryKey: ['csms', 'composite'] }),
    ]);
  };
  const put = async (limit: number | null): Promise<SitePlan> => {
    const answer = await api<SitePlan>('csms', '/site/charging_limit', {
      method: 'PUT',
      body: { limit, unit: 'W' } satisfies CsmsBody<'/site/charging_limit', 'put'>,
    });
    client.setQueryData(csmsKeys.site, answer);
    void refresh();
    return answer;
  };

  const { rows, share, assumed } = computed;
  const previewing = typedValid && typedKw !== null && Math.round(typedKw * 1000) !== current?.limit_w;

  return (
    <>
      <ErrorNote error={plan.error} />
      {plan.isPending ? <Loading what="the site limit" /> : null}
      {current ? (
        <div className="stats">
          <Stat
            label="Site charging limit"
            testId="site-limit-current"
            value={current.limit_w === null ? 'none' : formatPowerW(current.limit_w)}
            hint={current.unit === 'A' && current.limit !== null ? `${current.limit} A per phase` : undefined}
          />
          <Stat label="Uncontrolled load" value={formatPowerW(current.uncontrolled_w)} hint="with safety margin" />
          <Stat
            label="Shared budget"
            value={current.budget_w === null ? '—' : formatPowerW(current.budget_w)}
            hint={current.planned_at ? `planned ${formatDateTime(current.planned_at, site?.timezone)}` : undefined}
          />
          <Stat label="Open sessions" value={String(rows.length)} />
        </div>
      ) : null}
      <IfRole role="operator">
        <div className="form-row site-limit-form">
          <label htmlFor={`${ids}-limit`}>
            Site charging limit (kW)
            <input
              id={`${ids}-limit`}
              type="number"
              inputMode="decimal"
              min={0}
              step={0.1}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder={current?.limit_w != null ? String(current.limit_w / 1000) : 'no limit'}
              aria-invalid={typed.trim() !== '' && !typedValid}
            />
          </label>
          <ConfirmButton
            label="Set limit"
            disabled={!typedValid}
            question={
              typedValid && typedKw !== null
                ? `Limit all EV charging on the site to ${formatPowerW(typedKw * 1000)}? Every open session is re-planned and its charger sent a new profile.`
                : 'Enter a limit first.'
            }
            run={() => put(typedKw === null ? null : Math.round(typedKw * 1000))}
            describe={planOutcome}
          />
          <ConfirmButton
            label="Lift limit"
            disabled={current?.limit_w == null}
            question="Lift the site charging limit? Each session may then draw its station’s maximum."
            run={() => put(null)}
            describe={planOutcome}
          />
        </div>
      </IfRole>
      {typed.trim() !== '' && !typedValid ? (
        <p className="note note-bad" role="alert">
          The limit is a number of kW, 0 or more.
        </p>
      ) : null}
      <ErrorNote error={active.error && active.error.message !== plan.error?.message ? active.error : null} />
      {!active.data ? null : rows.length === 0 ? (
        <p className="muted small">No open session: nothing to share.</p>
      ) : (
        <>
          <p className="muted small">
            {previewW === null
              ? 'No site limit: each session may draw its station’s maximum.'
              : previewing
                ? `Fair share of each session if the limit were ${formatPowerW(previewW)} (ocpp-csms’s rule: what it cannot steer comes off first, each session gets its ${formatPowerW(CSMS_SITE_DEFAULTS.minW)} minimum in order of arrival, the rest in equal parts up to each station’s maximum).`
                : 'Fair share of each session under the current limit, and what ocpp-csms has sent.'}
          </p>
          <div className="form-row">
            <label htmlFor={`${ids}-search`}>
              Find a session
              <input
                id={`${ids}-search`}
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder="part of the station id"
                autoComplete="off"
                maxLength={64}
              />
            </label>
            <p className="muted small" role="status" data-testid="share-count">
              {q === '' ? sessionCount(rows.length) : `${shown.length} of ${sessionCount(rows.length)}`}
            </p>
          </div>
          <div
            ref={scroller}
            className="table-scroll share-scroll"
            tabIndex={0}
            role="region"
            aria-label="Fair share per session"
          >
            <table aria-rowcount={shown.length + 1}>
              <thead>
                <tr aria-rowindex={1}>
                  <th scope="col">Station</th>
                  <th scope="col" className="num">
                    Connector
                  </th>
                  <th scope="col">Session</th>
                  <th scope="col" className="num">
                    {previewing ? 'Would get' : 'Fair share'}
                  </th>
                  <th scope="col" className="num">
                    Sent now
                  </th>
                  <th scope="col">How</th>
                  <th scope="col" className="num">
                    Drawing
                  </th>
                </tr>
              </thead>
              <tbody>
                {top > 0 ? (
                  <tr aria-hidden="true" className="vpad" style={{ height: top }}>
                    <td colSpan={7} />
                  </tr>
                ) : null}
                {items.map((item) => {
                  const row = shown[item.index];
                  if (!row) return null;
                  const { transaction: t, allocation, connected, measuredW } = row;
                  const fair = share?.shares.get(t.transaction_id);
                  return (
                    <tr
                      key={t.transaction_id}
                      className="vrow"
                      aria-rowindex={item.index + 2}
                      data-testid={`share-row-${t.station_id}-${t.connector_id}`}
                    >
                      <td>
                        <Link to={`/charging/${encodeURIComponent(t.station_id)}`}>{t.station_id}</Link>
                      </td>
                      <td className="num">{t.connector_id}</td>
                      <td>{t.transaction_id}</td>
                      <td className="num">
                        {share === null
                          ? '—'
                          : fair !== undefined
                            ? formatPowerW(fair)
                            : connected
                              ? 'measured'
                              : 'not connected'}
                      </td>
                      <td className="num">{allocation ? formatPowerW(allocation.limit_w) : '—'}</td>
                      <td>
                        {allocation ? (
                          <Badge tone={STATUS_TONE[allocation.status]}>
                            {allocation.status}
                            {allocation.sent_as ? ` · ${allocation.sent_as}` : ''}
                          </Badge>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="num">{measuredW === null ? '—' : formatPowerW(measuredW)}</td>
                    </tr>
                  );
                })}
                {bottom > 0 ? (
                  <tr aria-hidden="true" className="vpad" style={{ height: bottom }}>
                    <td colSpan={7} />
                  </tr>
                ) : null}
              </tbody>
            </table>
            {shown.length === 0 ? <p className="muted">No session of a station matching “{q}”.</p> : null}
          </div>
          {share && assumed > 0 ? (
            <p className="muted small" data-testid="share-assumed">
              {assumed} of {rows.length} sessions are neither in ocpp-csms’s plan nor followed live yet: each is taken
              as charging, as ocpp-csms takes a session it knows nothing of.
            </p>
          ) : null}
          {share ? (
            <p className="muted small">
              Budget {formatPowerW(share.budgetW)} after {formatPowerW(share.uncontrolledW)} uncontrolled (10 % margin
              included).
            </p>
          ) : null}
        </>
      )}
    </>
  );
}
