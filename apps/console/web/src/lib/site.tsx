import { useQuery } from '@tanstack/react-query';
import type { ConsoleAnswer } from '../api/types';

/** GET /api/console/site, as the console host's OpenAPI document states it. */
export type ConsoleSite = ConsoleAnswer<'/api/console/site'>;

/** The console host's own answer: the site's time zone and plant, and each app's health. */
export function useSite(): ConsoleSite | undefined {
  const { data } = useQuery({
    queryKey: ['console', 'site'],
    queryFn: async (): Promise<ConsoleSite> => {
      const response = await fetch('/api/console/site');
      if (!response.ok) throw new Error(`the console answered ${response.status}`);
      return (await response.json()) as ConsoleSite;
    },
    staleTime: 60_000,
  });
  return data;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timezone ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: timezone })));
  return f;
}

type When = string | number | Date | null | undefined;

function toDate(value: When): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** 14:05:09 in the site's time zone. */
export function formatTime(value: When, timezone?: string): string {
  const date = toDate(value);
  return date
    ? formatter(timezone, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(date)
    : '—';
}

/** 04 Dec 14:05 in the site's time zone. */
export function formatDateTime(value: When, timezone?: string): string {
  const date = toDate(value);
  return date
    ? formatter(timezone, { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false }).format(
        date,
      )
    : '—';
}

/** 14:05 in the site's time zone (chart axes). */
export function formatClock(value: When, timezone?: string): string {
  const date = toDate(value);
  return date ? formatter(timezone, { hour: '2-digit', minute: '2-digit', hour12: false }).format(date) : '—';
}

/** 04 Dec in the site's time zone (chart axes over several days). */
export function formatDay(value: When, timezone?: string): string {
  const date = toDate(value);
  return date ? formatter(timezone, { day: '2-digit', month: 'short' }).format(date) : '—';
}

/** How long ago, in words an operator reads at a glance: "4 s ago", "3 min ago". */
export function formatAge(value: When, now = Date.now()): string {
  const date = toDate(value);
  if (!date) return 'never';
  const s = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}
