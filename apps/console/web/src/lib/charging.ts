/**
 * ocpp-csms's REST answers (named after its OpenAPI document, src/api/generated/ocpp-csms.ts) and
 * the charging pages' pure logic: the station table's rows from the live feed with the REST values
 * as fallback, the filter, and an OCPP command's outcome in an operator's words.
 */
import type { CsmsAnswer, CsmsSchema } from '../api/types';
import { ApiError } from './api';
import type { StationMeterData, StationStatusData } from './live';

/** GET /stations item. */
export type CsmsStation = CsmsSchema<'StationViewDto'>;

export type CsmsMeterValue = CsmsSchema<'MeterValueDto'>;

export type CsmsConnector = CsmsSchema<'ConnectorViewDto'>;

/** GET /stations/{id}. */
export type CsmsStationDetail = CsmsAnswer<'/stations/{id}'>;

/** GET /transactions item. */
export type CsmsTransaction = CsmsSchema<'TransactionViewDto'>;

/** GET /stations/{id}/logs. */
export type CsmsLogs = CsmsAnswer<'/stations/{id}/logs'>;

export interface ConnectorView {
  connectorId: number;
  status: string | null;
  errorCode: string | null;
  transactionId: number | null;
  idTag: string | null;
  powerW: number | null;
  sessionEnergyWh: number | null;
  socPct: number | null;
}

export interface StationRow {
  id: string;
  connected: boolean;
  connectors: ConnectorView[];
  /** What the station draws now (sum of its connectors), null when nothing is known. */
  powerW: number | null;
  sessionEnergyWh: number | null;
  idTags: string[];
  maxPowerW: number | null;
  /** Where the connector values came from: the live feed, a REST detail read, or only the lists. */
  source: 'live' | 'rest' | 'list';
}

const sumOrNull = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
};

/** A measurand's value in W or Wh from a REST meter reading (kW/kWh scaled up). */
export function meterValue(
  meter: CsmsConnector['latest_meter'],
  measurand: 'Power.Active.Import' | 'Energy.Active.Import.Register' | 'SoC',
): number | null {
  const v = meter?.values.find((m) => m.measurand === measurand && (m.phase === null || m.phase === undefined));
  if (!v) return null;
  return v.unit === 'kW' || v.unit === 'kWh' ? v.value * 1000 : v.value;
}

export interface RowSources {
  statuses: ReadonlyMap<string, { data: StationStatusData }>;
  meters: ReadonlyMap<string, { data: StationMeterData }>;
  /** Detail reads of the rows the live feed does not cover (visible ones only). */
  details: ReadonlyMap<string, CsmsStationDetail>;
  /** Open transactions, by station. */
  active: ReadonlyMap<string, CsmsTransaction[]>;
}

/** Groups open transactions by station. */
export function activeByStation(transactions: readonly CsmsTransaction[]): Map<string, CsmsTransaction[]> {
  const map = new Map<string, CsmsTransaction[]>();
  for (const t of transactions) {
    if (!t.active) continue;
    const list = map.get(t.station_id);
    if (list) list.push(t);
    else map.set(t.station_id, [t]);
  }
  return map;
}

/**
 * One row per station: connection and connector statuses from the live `station_status`, power and
 * session energy from the live `station_meter`; where the feed has nothing yet, a REST detail read
 * of the station; and at least its open transactions (connector, id tag) from GET /transactions.
 */
export function stationRow(station: CsmsStation, sources: RowSources): StationRow {
  return withMeters(baseStationRow(station, sources), sources.meters);
}

/**
 * The row without the live meter: what the filter needs (id, statuses, id tags), which changes
 * far less often than the meter values; the table overlays the meters on the visible rows only.
 */
export function baseStationRow(station: CsmsStation, sources: Omit<RowSources, 'meters'>): StationRow {
  const id = station.station_id;
  const live = sources.statuses.get(id)?.data;
  const detail = sources.details.get(id);
  const open = sources.active.get(id) ?? [];
  const txOn = (connectorId: number): CsmsTransaction | undefined => open.find((t) => t.connector_id === connectorId);
  let connectors: ConnectorView[];
  let source: StationRow['source'];
  if (live) {
    source = 'live';
    connectors = live.connectors.map((c) => ({
      connectorId: c.connector_id,
      status: c.status,
      errorCode: c.error_code,
      transactionId: c.transaction_id,
      idTag: c.id_tag ?? (c.transaction_id !== null ? (txOn(c.connector_id)?.id_tag ?? null) : null),
      powerW: null,
      sessionEnergyWh: null,
      socPct: null,
    }));
  } else if (detail) {
    source = 'rest';
    connectors = detail.connectors.map((c) => {
      const tx = txOn(c.connector_id);
      const register = meterValue(c.latest_meter, 'Energy.Active.Import.Register');
      return {
        connectorId: c.connector_id,
        status: c.status,
        errorCode: c.error_code,
        transactionId: c.active_transaction_id,
        idTag: tx?.id_tag ?? null,
        powerW: c.latest_meter ? (meterValue(c.latest_meter, 'Power.Active.Import') ?? null) : null,
        sessionEnergyWh: tx && register !== null ? Math.max(0, register - tx.meter_start_wh) : null,
        socPct: meterValue(c.latest_meter, 'SoC'),
      };
    });
  } else {
    source = 'list';
    connectors = open
      .map((t) => ({
        connectorId: t.connector_id,
        status: null,
        errorCode: null,
        transactionId: t.transaction_id,
        idTag: t.id_tag,
        powerW: null,
        sessionEnergyWh: null,
        socPct: null,
      }))
      .sort((a, b) => a.connectorId - b.connectorId);
  }
  const connected = live ? live.connected : (detail?.connected ?? station.connected);
  const row = { id, connected, connectors, powerW: null, sessionEnergyWh: null, idTags: [], source };
  return summed({ ...row, maxPowerW: station.max_power_w });
}

/** Power, energy and id tags summed over the connectors. */
function summed(row: StationRow, patch: Partial<StationRow> = {}): StationRow {
  const { connectors, connected } = { ...row, ...patch };
  return {
    ...row,
    ...patch,
    powerW: connected || connectors.some((c) => c.powerW) ? sumOrNull(connectors.map((c) => c.powerW)) : null,
    sessionEnergyWh: sumOrNull(connectors.map((c) => c.sessionEnergyWh)),
    idTags: [...new Set(connectors.map((c) => c.idTag).filter((t): t is string => Boolean(t)))],
  };
}

/** The live meter over a row: it wins over anything read by REST. The same row when no meter is known. */
export function withMeters(row: StationRow, meters: RowSources['meters']): StationRow {
  let changed = false;
  const connectors = row.connectors.map((c) => {
    const meter = meters.get(`${row.id}/${c.connectorId}`)?.data;
    if (!meter) return c;
    changed = true;
    const sameSession = meter.transaction_id !== null && meter.transaction_id === c.transactionId;
    return {
      ...c,
      powerW: meter.power_w,
      sessionEnergyWh: sameSession ? meter.session_energy_wh : c.transactionId === null ? null : c.sessionEnergyWh,
      socPct: sameSession ? meter.soc_pct : c.socPct,
    };
  });
  return changed ? summed(row, { connectors }) : row;
}

/** Station ids in the order an operator expects: cp-2 before cp-10. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
export function byStationId<T extends { station_id: string }>(stations: readonly T[]): T[] {
  return [...stations].sort((a, b) => collator.compare(a.station_id, b.station_id));
}

/** A connector status's tone for its badge. */
export function connectorTone(status: string | null): 'ok' | 'warn' | 'bad' | 'idle' | 'info' {
  switch (status) {
    case 'Charging':
      return 'ok';
    case 'SuspendedEV':
    case 'SuspendedEVSE':
    case 'Preparing':
    case 'Finishing':
    case 'Reserved':
      return 'info';
    case 'Faulted':
      return 'bad';
    case 'Unavailable':
      return 'warn';
    default:
      return 'idle';
  }
}

export type CommandOutcome = { tone: 'ok' | 'bad' | 'warn'; text: string };

/** What a command to the charger came back with: its answer, or that it did not answer in time. */
export type CommandResult = { kind: 'answer'; body: unknown } | { kind: 'timeout'; detail: string };

/**
 * Runs a command; a 504 with the CSMS's own words ("cp-1 did not answer … in time") is the
 * charger's silence, an outcome to show, not a failure of the page. Other errors (503 not
 * connected, 502 the charger answered with a CALLERROR, 403, the CSMS not reachable) propagate.
 */
export async function runCommand(send: () => Promise<unknown>): Promise<CommandResult> {
  try {
    return { kind: 'answer', body: await send() };
  } catch (error) {
    if (error instanceof ApiError && error.status === 504 && error.app === 'csms' && /in time/.test(error.detail)) {
      return { kind: 'timeout', detail: error.detail };
    }
    throw error;
  }
}

/** The outcome in an operator's words: accepted, rejected by the charger, or timed out. */
export function describeCommand(result: unknown, accepted = 'Accepted by the charger'): CommandOutcome {
  const r = result as CommandResult | null;
  if (r?.kind === 'timeout') return { tone: 'warn', text: `Timed out: ${r.detail}` };
  const body = (r?.kind === 'answer' ? r.body : result) as { status?: unknown; message?: unknown } | null;
  const status = typeof body?.status === 'string' ? body.status : null;
  const message = typeof body?.message === 'string' ? body.message : null;
  if (status === 'Accepted' || status === 'success') return { tone: 'ok', text: message ?? accepted };
  if (status === 'Rejected' || status === 'rejected' || status === 'NotSupported' || status === 'Unknown')
    return { tone: 'bad', text: `Rejected by the charger${message ? `: ${message}` : ` (${status})`}` };
  if (status === 'error') return { tone: 'bad', text: message ?? 'The charger answered with an error' };
  return { tone: 'warn', text: status ? `The charger answered ${status}` : 'No answer from the charger' };
}
