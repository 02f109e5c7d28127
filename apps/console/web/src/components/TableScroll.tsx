import type { Role } from '../lib/auth';
import { IfRole } from './ui';
import type { ReactNode } from 'react';

/**
 * A table's horizontal scroller that the keyboard can reach (axe: scrollable-region-focusable):
 * a labelled region with a tab stop, so arrow keys scroll it at 390 px.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

/** A column heading: its text, right-aligned for numbers, or only for screen readers. */
export type Column = string | { label: string; num?: boolean; hidden?: boolean };

/** A numeric column (right-aligned, as its cells). */
export const num = (label: string): Column => ({ label, num: true });

/**
 * A table's header row. `actions` adds a last column for row buttons, named for screen readers
 * only; `actionsFor` shows it only to that role (the buttons are not rendered for others).
 */
export function TableHead({
  columns,
  actions = false,
  actionsFor,
}: {
  columns: readonly Column[];
  actions?: boolean;
  actionsFor?: Role;
}) {
  const actionsHead = (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
  return (
    <thead>
      <tr>
        {columns.map((c) => {
          const { label, num: numeric = false, hidden = false } = typeof c === 'string' ? { label: c } : c;
          return (
            <th key={label} scope="col" className={numeric ? 'num' : undefined}>
              {hidden ? <span className="visually-hidden">{label}</span> : label}
            </th>
          );
        })}
        {actionsFor ? <IfRole role={actionsFor}>{actionsHead}</IfRole> : actions ? actionsHead : null}
      </tr>
    </thead>
  );
}
