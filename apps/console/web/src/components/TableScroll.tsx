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
