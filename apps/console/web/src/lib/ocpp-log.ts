import type { CsmsAnswer } from '../api/types';

/** GET /stations/{id}/charging_profiles. */
type ChargingProfilesDto = CsmsAnswer<'/stations/{id}/charging_profiles'>;
/**
 * A station's recent OCPP traffic (GET /stations/{id}/logs, oldest first) read for people: each
 * frame with its action (a result named after the call it answers), and the charging profiles that
 * traffic shows to be installed (OCPP 1.6 has no call to list them, and ocpp-csms offers no route).
 */

export interface LogEntry {
  timestamp: string;
  direction: 'in' | 'out';
  message: string;
}

export interface LogLine {
  key: string;
  timestamp: string;
  direction: 'in' | 'out';
  kind: 'call' | 'result' | 'error' | 'unreadable';
  /** The call's action; for a result or error, the action of the call it answers (when seen). */
  action: string | null;
  /** The payload as compact JSON (the error's code and description for an error). */
  payload: string;
}

type Frame =
  | { kind: 'call'; id: string; action: string; payload: unknown }
  | { kind: 'result'; id: string; payload: unknown }
  | { kind: 'error'; id: string; code: string; description: string; details: unknown }
  | { kind: 'unreadable' };

export function parseFrame(message: string): Frame {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return { kind: 'unreadable' };
  }
  if (!Array.isArray(value) || typeof value[1] !== 'string') return { kind: 'unreadable' };
  const id: string = value[1];
  if (value[0] === 2 && typeof value[2] === 'string') return { kind: 'call', id, action: value[2], payload: value[3] };
  if (value[0] === 3) return { kind: 'result', id, payload: value[2] };
  if (value[0] === 4)
    return { kind: 'error', id, code: String(value[2] ?? ''), description: String(value[3] ?? ''), details: value[4] };
  return { kind: 'unreadable' };
}

/** The lines, newest first, each result named after its call. */
export function logLines(entries: readonly LogEntry[]): LogLine[] {
  const actions = new Map<string, string>();
  const lines: LogLine[] = entries.map((e, i) => {
    const frame = parseFrame(e.message);
    const base = { key: `${i}-${e.timestamp}`, timestamp: e.timestamp, direction: e.direction };
    switch (frame.kind) {
      case 'call':
        actions.set(frame.id, frame.action);
        return { ...base, kind: 'call', action: frame.action, payload: JSON.stringify(frame.payload ?? {}) };
      case 'result':
        return {
          ...base,
          kind: 'result',
          action: actions.get(frame.id) ?? null,
          payload: JSON.stringify(frame.payload),
        };
      case 'error':
        return {
          ...base,
          kind: 'error',
          action: actions.get(frame.id) ?? null,
          payload: `${frame.code}: ${frame.description}`,
        };
      default:
        return { ...base, kind: 'unreadable', action: null, payload: e.message };
    }
  });
  return lines.reverse();
}

export interface SeenProfile {
  profileId: number;
  connectorId: number;
  purpose: string;
  stackLevel: number;
  kind: string;
  transactionId: number | null;
  unit: string;
  /** The schedule's periods as sent. */
  periods: { startPeriod: number; limit: number }[];
  /** When the charger accepted it. */
  acceptedAt: string;
}

interface SetChargingProfileReq {
  connectorId?: number;
  csChargingProfiles?: {
    chargingProfileId?: number;
    transactionId?: number;
    stackLevel?: number;
    chargingProfilePurpose?: string;
    chargingProfileKind?: string;
    chargingSchedule?: { chargingRateUnit?: string; chargingSchedulePeriod?: { startPeriod: number; limit: number }[] };
  };
}

interface ClearChargingProfileReq {
  id?: number;
  connectorId?: number;
  chargingProfilePurpose?: string;
  stackLevel?: number;
}

const accepted = (payload: unknown): boolean =>
  typeof payload === 'object' && payload !== null && (payload as { status?: unknown }).status === 'Accepted';

/**
 * Replays the log: a SetChargingProfile the charger accepted installs its profile (replacing one
 * with the same id, or the same connector, purpose and stack level, as OCPP 1.6 §3.13 says); an
 * accepted ClearChargingProfile removes those it names (by id, or by connector, purpose and stack
 * level); a StopTransaction ends that transaction's TxProfiles. Sorted by connector, then purpose
 * and stack level. Only what the log still holds is seen.
 */
export function profilesFromLog(entries: readonly LogEntry[]): SeenProfile[] {
  const pending = new Map<string, { action: string; payload: unknown }>();
  let installed: SeenProfile[] = [];
  for (const e of entries) {
    const frame = parseFrame(e.message);
    if (frame.kind === 'call') {
      if (e.direction === 'out') pending.set(frame.id, { action: frame.action, payload: frame.payload });
      else if (frame.action === 'StopTransaction') {
        const txId = (frame.payload as { transactionId?: unknown } | null)?.transactionId;
        installed = installed.filter((p) => !(p.purpose === 'TxProfile' && p.transactionId === txId));
      }
      continue;
    }
    if (frame.kind !== 'result' || e.direction !== 'in') continue;
    const call = pending.get(frame.id);
    pending.delete(frame.id);
    if (!call || !accepted(frame.payload)) continue;
    if (call.action === 'SetChargingProfile') {
      const req = call.payload as SetChargingProfileReq;
      const p = req.csChargingProfiles;
      if (!p || typeof p.chargingProfileId !== 'number') continue;
      const profile: SeenProfile = {
        profileId: p.chargingProfileId,
        connectorId: req.connectorId ?? 0,
        purpose: p.chargingProfilePurpose ?? 'unknown',
        stackLevel: p.stackLevel ?? 0,
        kind: p.chargingProfileKind ?? 'unknown',
        transactionId: p.transactionId ?? null,
        unit: p.chargingSchedule?.chargingRateUnit ?? 'W',
        periods: p.chargingSchedule?.chargingSchedulePeriod ?? [],
        acceptedAt: e.timestamp,
      };
      installed = installed.filter(
        (q) =>
          q.profileId !== profile.profileId &&
          !(
            q.connectorId === profile.connectorId &&
            q.purpose === profile.purpose &&
            q.stackLevel === profile.stackLevel
          ),
      );
      installed.push(profile);
    } else if (call.action === 'ClearChargingProfile') {
      const req = (call.payload ?? {}) as ClearChargingProfileReq;
      installed = installed.filter((q) =>
        req.id !== undefined
          ? q.profileId !== req.id
          : !(
              (req.connectorId === undefined || q.connectorId === req.connectorId) &&
              (req.chargingProfilePurpose === undefined || q.purpose === req.chargingProfilePurpose) &&
              (req.stackLevel === undefined || q.stackLevel === req.stackLevel)
            ),
      );
    }
  }
  return installed.sort(
    (a, b) => a.connectorId - b.connectorId || a.purpose.localeCompare(b.purpose) || a.stackLevel - b.stackLevel,
  );
}

/**
 * What ocpp-csms lists as installed (GET /stations/{id}/charging_profiles: every profile it sent
 * and the station accepted, less the replaced, cleared and ended ones), in the shape the page shows.
 */
export function profilesFromCsms(list: ChargingProfilesDto): SeenProfile[] {
  return list.profiles.map((p) => {
    const profile = p.profile as SetChargingProfileReq['csChargingProfiles'] & object;
    return {
      profileId: p.charging_profile_id,
      connectorId: p.connector_id,
      purpose: p.purpose,
      stackLevel: p.stack_level,
      kind: profile.chargingProfileKind ?? 'unknown',
      transactionId: p.transaction_id,
      unit: profile.chargingSchedule?.chargingRateUnit ?? 'W',
      periods: profile.chargingSchedule?.chargingSchedulePeriod ?? [],
      acceptedAt: p.sent_at,
    };
  });
}
