import { useEffect, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../lib/api';
import { can, useAuth, type Role } from '../lib/auth';

/** A titled panel. */
export function Card({
  title,
  actions,
  children,
  wide,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <section className={wide ? 'card wide' : 'card'} aria-label={title}>
      <header className="card-head">
        <h2>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** One figure with its label. */
export function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

/** A coloured word for a state: ok, warn, bad, idle. */
export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'idle' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="note note-bad" role="alert">
      {describeError(error)}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** Shown only to a role that may act: viewers see no action buttons at all. */
export function IfRole({ role, children }: { role: Role; children: ReactNode }) {
  const { session } = useAuth();
  return can(session, role) ? <>{children}</> : null;
}

export type Outcome = { tone: 'ok' | 'bad' | 'warn'; text: string } | null;

/**
 * A button for an action that moves equipment: it asks first (a native modal dialog, focus
 * trapped by the browser), then runs the action and shows its outcome beside the button.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  run,
  danger,
  disabled,
  describe,
}: {
  label: string;
  question: ReactNode;
  confirmLabel?: string;
  run: () => Promise<unknown>;
  danger?: boolean;
  disabled?: boolean;
  /** The outcome's words from the action's answer (e.g. "Accepted by the charger"). */
  describe?: (result: unknown) => Outcome;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const confirm = async (): Promise<void> => {
    dialog.current?.close();
    setBusy(true);
    setOutcome(null);
    try {
      const result = await run();
      setOutcome(describe?.(result) ?? { tone: 'ok', text: 'Done' });
    } catch (error) {
      setOutcome({ tone: 'bad', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="confirm">
      <button
        type="button"
        className={danger ? 'btn btn-danger' : 'btn'}
        disabled={disabled || busy}
        onClick={() => dialog.current?.showModal()}
      >
        {busy ? `${label}…` : label}
      </button>
      {outcome ? (
        <span className={`outcome outcome-${outcome.tone}`} role="status">
          {outcome.text}
        </span>
      ) : null}
      <dialog ref={dialog} className="dialog" aria-label={label}>
        <form method="dialog" onSubmit={(e) => e.preventDefault()}>
          <p>{question}</p>
          <div className="dialog-actions">
            <button type="button" className="btn btn-quiet" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button
              type="button"
              className={danger ? 'btn btn-danger' : 'btn btn-primary'}
              onClick={() => void confirm()}
            >
              {confirmLabel ?? label}
            </button>
          </div>
        </form>
      </dialog>
    </span>
  );
}

/** Re-renders every `ms` (for "4 s ago" texts). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}
