import { Random, seededRandom } from '@lib/power';
import type { Ev } from '@lib/ocpp';

/**
 * When simulated drivers arrive at a charger and leave it, as a pure function of time, the
 * charger's id and a seed: the same inputs always give the same sessions, so a site is
 * reproducible and a restart carries on with the same day.
 *
 * The daily pattern, in the site's local time:
 * - workplace: on a weekday most chargers get a commuter arriving 07:00–10:00 and leaving
 *   16:00–19:00 (fewer at weekends);
 * - home: some evenings a resident plugs in 18:00–21:00 (after the commuter left) and leaves
 *   the next morning 05:30–07:00, before the next commuter arrives.
 * Demo: on start the first charger gets a car within a minute, so a new user sees charging at once.
 */
export interface PlannedSession {
  /** Unique per charger and session: the driver plugs each one in at most once. */
  key: string;
  kind: 'workplace' | 'home' | 'demo';
  arriveMs: number;
  departMs: number;
  ev: Ev;
}

export interface DriverSchedule {
  chargerId: string;
  seed: number;
  /** IANA zone of the site (`Europe/Berlin`); the daily pattern follows its clock. */
  timeZone: string;
  /** A demo car arrives at this time (ms) and leaves 90 min later or when the next planned car comes. */
  demoArriveMs?: number | null;
}

export const WORKDAY_SHARE = 0.8;
export const WEEKEND_SHARE = 0.25;
export const HOME_SHARE = 0.35;
export const DEMO_SESSION_MS = 90 * 60_000;

const CAPACITIES_KWH = [40, 52, 58, 64, 77, 82, 100];
const MINUTE = 60_000;

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

/** FNV-1a of the text, mixed with the seed: one random stream per charger and day. */
function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of `ms` in `timeZone`. */
function localFields(ms: number, timeZone: string): LocalDate & { minutes: number; offsetMs: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return {
    y: parts.year,
    m: parts.month,
    d: parts.day,
    minutes: parts.hour * 60 + parts.minute,
    offsetMs: asUtc - Math.floor(ms / 1000) * 1000,
  };
}

/** The instant a local date and minute of day stands for in `timeZone` (minutes may pass 1440). */
export function localTimeToMs(date: LocalDate, minutes: number, timeZone: string): number {
  const guess = Date.UTC(date.y, date.m - 1, date.d, 0, 0) + Math.round(minutes * MINUTE);
  const first = guess - localFields(guess, timeZone).offsetMs;
  const second = guess - localFields(first, timeZone).offsetMs;
  return second;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const dateKey = (date: LocalDate): string =>
  `${date.y}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;

const between = (random: Random, low: number, high: number): number => low + random() * (high - low);
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

function randomEv(random: Random, tagPrefix: string): Ev {
  const phases = random() < 0.15 ? 1 : 3;
  return {
    socPct: Math.round(between(random, 10, 60)),
    capacityKwh: pick(random, CAPACITIES_KWH),
    maxCurrentA: phases === 1 ? 32 : pick(random, [16, 16, 32]),
    phases,
    idTag: `${tagPrefix}-${String(1 + Math.floor(random() * 40)).padStart(3, '0')}`,
  };
}

/** The sessions that start on one local day at one charger, in order (a home session ends the next morning). */
export function sessionsOfDay(schedule: DriverSchedule, date: LocalDate): PlannedSession[] {
  const { chargerId, seed, timeZone } = schedule;
  const day = dateKey(date);
  // Every draw is made whatever the outcome, so one choice never shifts the others.
  const random = seededRandom(hashSeed(seed, `${chargerId}|${day}`));
  const weekday = new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  const commuter = random() < (weekend ? WEEKEND_SHARE : WORKDAY_SHARE);
  const workArrive = between(random, 7 * 60, 10 * 60);
  const workDepart = between(random, 16 * 60, 19 * 60);
  const workEv = randomEv(random, 'EMP');
  const resident = random() < HOME_SHARE;
  const homeArrive = between(random, 18 * 60, 21 * 60);
  const homeDepart = 24 * 60 + between(random, 5.5 * 60, 7 * 60);
  const homeEv = randomEv(random, 'RES');
  const sessions: PlannedSession[] = [];
  if (commuter) {
    sessions.push({
      key: `${day}/work`,
      kind: 'workplace',
      arriveMs: localTimeToMs(date, workArrive, timeZone),
      departMs: localTimeToMs(date, workDepart, timeZone),
      ev: workEv,
    });
  }
  // The resident comes once the bay is free (a quarter of an hour after the commuter left).
  if (resident && (!commuter || homeArrive >= workDepart + 15)) {
    sessions.push({
      key: `${day}/home`,
      kind: 'home',
      arriveMs: localTimeToMs(date, homeArrive, timeZone),
      departMs: localTimeToMs(date, homeDepart, timeZone),
      ev: homeEv,
    });
  }
  return sessions;
}

/** Every planned session (demo included) that overlaps [fromMs, toMs), in order of arrival. */
export function sessionsBetween(schedule: DriverSchedule, fromMs: number, toMs: number): PlannedSession[] {
  const planned: PlannedSession[] = [];
  // Yesterday's home session may still run this morning.
  for (let date = addDays(localFields(fromMs, schedule.timeZone), -1); ; date = addDays(date, 1)) {
    const start = localTimeToMs(date, 0, schedule.timeZone);
    if (start >= toMs) break;
    planned.push(...sessionsOfDay(schedule, date));
  }
  const sessions = planned.filter((s) => s.departMs > fromMs && s.arriveMs < toMs);
  const demo = schedule.demoArriveMs;
  if (demo === null || demo === undefined) return sessions;
  // The demo car takes the bay unless a planned car is already there; it leaves before the next one comes.
  if (planned.some((s) => s.arriveMs <= demo && s.departMs > demo)) return sessions;
  const next = planned.filter((s) => s.arriveMs > demo).reduce((min, s) => Math.min(min, s.arriveMs), Infinity);
  const departMs = Math.min(demo + DEMO_SESSION_MS, next - MINUTE);
  const random = seededRandom(hashSeed(schedule.seed, `${schedule.chargerId}|demo`));
  const demoSession: PlannedSession = {
    key: `demo/${demo}`,
    kind: 'demo',
    arriveMs: demo,
    departMs,
    ev: { ...randomEv(random, 'DEMO'), socPct: 25, maxCurrentA: 32, phases: 3 },
  };
  if (departMs <= demo || departMs <= fromMs || demo >= toMs) return sessions;
  return [...sessions, demoSession].sort((a, b) => a.arriveMs - b.arriveMs);
}

/** The session whose car is at the charger at `nowMs`, or null when the bay is empty. */
export function sessionAt(schedule: DriverSchedule, nowMs: number): PlannedSession | null {
  return sessionsBetween(schedule, nowMs, nowMs + 1).find((s) => s.arriveMs <= nowMs && s.departMs > nowMs) ?? null;
}

/** A charger's driver between two looks at the clock. */
export interface DriverState {
  /** The session whose car the driver plugged in and has not taken away yet. */
  plugged: string | null;
  /** Sessions already begun (the last few): each car comes at most once. */
  done: readonly string[];
}

export interface DriverStep {
  /** Take the driver's car away: its session is over. */
  leave: boolean;
  /** Plug this car in. */
  arrive: PlannedSession | null;
  state: DriverState;
}

/**
 * What a driver does now, given the session due at the charger and whether a car is in the bay:
 * its car leaves when its session is over, the next comes when due, once per session. A bay
 * taken by a car plugged in by hand makes the driver skip that session; a car unplugged by hand
 * does not come back.
 */
export function driverStep(state: DriverState, session: PlannedSession | null, bayTaken: boolean): DriverStep {
  const leave = state.plugged !== null && session?.key !== state.plugged;
  const plugged = leave ? null : state.plugged;
  if (session === null || plugged !== null || state.done.includes(session.key)) {
    return { leave, arrive: null, state: { plugged, done: state.done } };
  }
  const done = [...state.done.slice(-9), session.key];
  // Leaving frees the bay this step; a car that is not the driver's keeps it.
  const free = leave || !bayTaken;
  return { leave, arrive: free ? session : null, state: { plugged: free ? session.key : null, done } };
}

/** True when `id` matches one of the patterns (`*` stands for any text). */
export function matchesAny(id: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    const re = new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`);
    return re.test(id);
  });
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
