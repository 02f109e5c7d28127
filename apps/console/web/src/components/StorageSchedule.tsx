import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { SolarhubAnswer } from '../api/types';
import { ApiError, api, describeError } from '../lib/api';
import { fieldErrors, type FieldErrors } from '../lib/field-errors';
import { formatDateTime } from '../lib/site';
import { SCHEDULE_MODES, scheduleRequest, utcMs, type ScheduleForm, type ScheduleMode } from '../lib/storage-series';
import { formatPowerMw, formatPricePerMwh } from '../lib/units';
import { Field } from './Field';
import { Badge, Card, ConfirmButton, ErrorNote, IfRole, Loading, type Outcome } from './ui';
import { TableScroll, TableHead, num } from './TableScroll';

type ScheduleAnswer = SolarhubAnswer<'/api/v1/schedule'>;
type ScheduleEvent = SolarhubAnswer<'/api/v1/schedule', 'post'>;

const MODE_LABELS: Record<ScheduleMode, string> = {
  dreg: 'D-Reg',
  edreg: 'E-dReg',
  test_mode: 'Test',
  step: 'Step',
  scan: 'Scan',
  full_power: 'Full power',
};

const FIELDS = [
  'mode',
  'time_start',
  'time_end',
  'is_get',
  'interrupt',
  'quote_capacity',
  'power',
  'price',
  'quote_price',
  'quote_code',
  'title',
  'description',
] as const;

/** The charge/discharge schedule (awards): this week and the weeks before, add and remove (admin). */
export function StorageSchedule({ timezone }: { timezone?: string }) {
  const [weeks, setWeeks] = useState(1);
  const [note, setNote] = useState<Outcome>(null);
  const client = useQueryClient();
  const schedule = useQuery({
    queryKey: ['solarhub', 'schedule', weeks],
    queryFn: () => api<ScheduleAnswer>('solarhub', '/api/v1/schedule', { query: { mode: 'all', weeks } }),
  });
  const refresh = (): Promise<void> => client.invalidateQueries({ queryKey: ['solarhub', 'schedule'] });
  const when = (t: string): string => formatDateTime(utcMs(t), timezone);
  /** "05 Dec, 19:00 – 21:00", the end's date only when it is another day. */
  const span = (start: string, end: string): string => {
    const [a, b] = [when(start), when(end)];
    const [dayA] = a.split(', ');
    const [dayB, timeB] = b.split(', ');
    return `${a} – ${dayA === dayB && timeB ? timeB : b}`;
  };
  const events = schedule.data ? [...schedule.data.events].reverse() : [];

  return (
    <Card
      title="Charge and discharge schedule"
      wide
      actions={
        <label className="inline-label">
          Show
          <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value))}>
            <option value={1}>this week</option>
            <option value={2}>2 weeks</option>
            <option value={4}>4 weeks</option>
            <option value={12}>12 weeks</option>
          </select>
        </label>
      }
    >
      <IfRole role="admin">
        <ScheduleCreate
          timezone={timezone}
          onCreated={(event) => {
            setNote({
              tone: 'ok',
              text: `Added ${MODE_LABELS[event.mode]} award #${event.index} at ${when(event.time_start)}`,
            });
            void refresh();
          }}
        />
      </IfRole>
      {note ? (
        <p className={`outcome outcome-${note.tone}`} role="status" data-testid="schedule-outcome">
          {note.text}
        </p>
      ) : null}
      <ErrorNote error={schedule.error} />
      {schedule.isPending ? <Loading what="the schedule" /> : null}
      {schedule.data ? (
        <>
          <p className="muted small">
            {schedule.data.total_count} events from {when(schedule.data.from)} to {when(schedule.data.to)}, latest first
          </p>
          <TableScroll label="Schedule events">
            <table aria-label="Schedule events" data-testid="schedule-table">
              <TableHead
                columns={[
                  '#',
                  'When',
                  'Mode',
                  'Title',
                  'Award',
                  num('Capacity'),
                  num('Power'),
                  num('Price'),
                  num('Quoted'),
                  'Quote code',
                ]}
                actionsFor="admin"
              />
              <tbody>
                {events.map((e) => (
                  <tr key={e.index}>
                    <th scope="row">{e.index}</th>
                    <td>{span(e.time_start, e.time_end)}</td>
                    <td>{MODE_LABELS[e.mode] ?? e.mode}</td>
                    <td title={e.description ?? undefined}>{e.title}</td>
                    <td>
                      {e.interrupt ? (
                        <Badge tone="warn">interrupted</Badge>
                      ) : e.is_get ? (
                        <Badge tone="ok">won</Badge>
                      ) : (
                        <Badge tone="idle">not won</Badge>
                      )}
                    </td>
                    <td className="num">{formatPowerMw(e.quote_capacity)}</td>
                    <td className="num">{formatPowerMw(e.power)}</td>
                    <td className="num">{formatPricePerMwh(e.price)}</td>
                    <td className="num">{formatPricePerMwh(e.quote_price)}</td>
                    <td>{e.quote_code ?? '—'}</td>
                    <IfRole role="admin">
                      <td>
                        <ConfirmButton
                          label="Delete"
                          danger
                          question={
                            <>
                              Remove the {MODE_LABELS[e.mode] ?? e.mode} award #{e.index} (
                              {span(e.time_start, e.time_end)}) from the schedule? The batteries will no longer follow
                              it.
                            </>
                          }
                          confirmLabel="Remove the award"
                          run={async () => {
                            try {
                              await api('solarhub', `/api/v1/schedule/${e.index}`, { method: 'DELETE' });
                              setNote({ tone: 'ok', text: `Removed award #${e.index}` });
                            } catch (error) {
                              setNote({ tone: 'bad', text: `Award #${e.index} not removed: ${describeError(error)}` });
                              throw error;
                            } finally {
                              void refresh();
                            }
                          }}
                        />
                      </td>
                    </IfRole>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {events.length === 0 ? <p className="muted">No events in this period.</p> : null}
        </>
      ) : null}
    </Card>
  );
}

function emptyForm(): ScheduleForm {
  return {
    mode: 'dreg',
    start: '',
    end: '',
    isGet: true,
    interrupt: false,
    quoteCapacity: '2',
    power: '1.8',
    price: '',
    quotePrice: '',
    quoteCode: '',
    title: '',
    description: '',
  };
}

function ScheduleCreate({ timezone, onCreated }: { timezone?: string; onCreated: (event: ScheduleEvent) => void }) {
  const [form, setForm] = useState<ScheduleForm>(emptyForm);
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ScheduleForm>(key: K, value: ScheduleForm[K]): void =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    setFailure(null);
    try {
      const created = await api<ScheduleEvent>('solarhub', '/api/v1/schedule', {
        method: 'POST',
        body: scheduleRequest(form, timezone),
      });
      setForm(emptyForm());
      onCreated(created);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
        const parsed = fieldErrors(error.detail, FIELDS);
        setErrors(parsed);
        setFailure(
          parsed.rest.length ? parsed.rest.join('; ') : `Not added: check ${Object.keys(parsed.fields).join(', ')}`,
        );
      } else {
        setFailure(`Not added: ${describeError(error)}`);
      }
    } finally {
      setBusy(false);
    }
  };

  const f = errors?.fields ?? {};
  return (
    <details className="create-box">
      <summary>Add an award</summary>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="schedule-form">
        <div className="form-grid">
          <Field label="Mode" error={f.mode}>
            {(p) => (
              <select {...p} value={form.mode} onChange={(e) => set('mode', e.target.value as ScheduleMode)}>
                {SCHEDULE_MODES.map((m) => (
                  <option key={m} value={m}>
                    {MODE_LABELS[m]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={`Start (${timezone ?? 'UTC'})`} error={f.time_start}>
            {(p) => (
              <input {...p} type="datetime-local" value={form.start} onChange={(e) => set('start', e.target.value)} />
            )}
          </Field>
          <Field label={`End (${timezone ?? 'UTC'})`} error={f.time_end}>
            {(p) => (
              <input {...p} type="datetime-local" value={form.end} onChange={(e) => set('end', e.target.value)} />
            )}
          </Field>
          <Field label="Title" error={f.title}>
            {(p) => <input {...p} value={form.title} onChange={(e) => set('title', e.target.value)} />}
          </Field>
          <Field label="Quoted capacity (MW)" error={f.quote_capacity}>
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={form.quoteCapacity}
                onChange={(e) => set('quoteCapacity', e.target.value)}
              />
            )}
          </Field>
          <Field label="Power (MW)" error={f.power}>
            {(p) => (
              <input {...p} inputMode="decimal" value={form.power} onChange={(e) => set('power', e.target.value)} />
            )}
          </Field>
          <Field label="Price (per MWh)" error={f.price}>
            {(p) => (
              <input {...p} inputMode="decimal" value={form.price} onChange={(e) => set('price', e.target.value)} />
            )}
          </Field>
          <Field label="Quoted price (per MWh)" error={f.quote_price}>
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={form.quotePrice}
                onChange={(e) => set('quotePrice', e.target.value)}
              />
            )}
          </Field>
          <Field label="Quote code (optional)" error={f.quote_code}>
            {(p) => <input {...p} value={form.quoteCode} onChange={(e) => set('quoteCode', e.target.value)} />}
          </Field>
          <Field label="Description (optional)" error={f.description}>
            {(p) => <input {...p} value={form.description} onChange={(e) => set('description', e.target.value)} />}
          </Field>
        </div>
        <div className="form-row">
          <label className="check">
            <input type="checkbox" checked={form.isGet} onChange={(e) => set('isGet', e.target.checked)} />
            Won (the batteries follow it)
          </label>
          <label className="check">
            <input type="checkbox" checked={form.interrupt} onChange={(e) => set('interrupt', e.target.checked)} />
            Interrupted
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add award'}
          </button>
        </div>
        {failure ? (
          <p className="note note-bad" role="alert">
            {failure}
          </p>
        ) : null}
        <p className="muted small">
          Fees are earned per hour as quoted capacity × price × hours × execution rate, plus delivered energy at the
          quoted price.
        </p>
      </form>
    </details>
  );
}
