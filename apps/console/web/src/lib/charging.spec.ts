import { ApiError } from './api';
import {
  activeByStation,
  baseStationRow,
  byStationId,
  describeCommand,
  runCommand,
  stationRow,
  type CsmsStation,
  type CsmsStationDetail,
  type CsmsTransaction,
  type RowSources,
  withMeters,
} from './charging';
import type { StationMeterData, StationStatusData } from './live';

const station = (id: string, over: Partial<CsmsStation> = {}): CsmsStation => ({
  station_id: id,
  connected: true,
  registered: false,
  vendor: 'EnergySite',
  model: 'SimCharger-22',
  serial_number: null,
  firmware_version: '1.0.0',
  feature_profiles: ['Core', 'SmartCharging'],
  number_of_connectors: 1,
  max_power_w: null,
  basic_auth: false,
  last_boot_at: null,
  ...over,
});

const tx = (id: number, stationId: string, over: Partial<CsmsTransaction> = {}): CsmsTransaction => ({
  transaction_id: id,
  station_id: stationId,
  connector_id: 1,
  id_tag: `TAG-${id}`,
  meter_start_wh: 1_000,
  meter_stop_wh: null,
  energy_wh: null,
  started_at: '2026-12-04T05:00:00Z',
  stopped_at: null,
  stop_reason: null,
  active: true,
  ...over,
});

const status = (id: string, over: Partial<StationStatusData> = {}): { data: StationStatusData } => ({
  data: {
    station_id: id,
    connected: true,
    connectors: [{ connector_id: 1, status: 'Charging', error_code: 'NoError', transaction_id: 7, id_tag: 'LIVE-TAG' }],
    timestamp: '2026-12-04T06:00:00Z',
    ...over,
  },
});

const meter = (id: string, over: Partial<StationMeterData> = {}): { data: StationMeterData } => ({
  data: {
    station_id: id,
    connector_id: 1,
    transaction_id: 7,
    power_w: 11_000,
    energy_wh: 5_000,
    session_energy_wh: 4_000,
    soc_pct: 55,
    timestamp: '2026-12-04T06:00:00Z',
    ...over,
  },
});

const detail = (id: string): CsmsStationDetail => ({
  ...station(id),
  connectors: [
    {
      connector_id: 1,
      status: 'Charging',
      error_code: 'NoError',
      updated_at: null,
      active_transaction_id: 7,
      latest_meter: {
        timestamp: '2026-12-04T06:00:00Z',
        values: [
          {
            measurand: 'Energy.Active.Import.Register',
            value: 3.5,
            unit: 'kWh',
            phase: null,
            context: 'Sample.Periodic',
          },
          { measurand: 'Power.Active.Import', value: 7_400, unit: 'W', phase: null, context: 'Sample.Periodic' },
        ],
      },
    },
  ],
  site_control: { station_id: id, controllable: true, mode: null, reason: null, retry_at: null },
});

const none: RowSources = { statuses: new Map(), meters: new Map(), details: new Map(), active: new Map() };

describe('the station table rows', () => {
  it('takes status and meter from the live feed', () => {
    const row = stationRow(station('cp-1'), {
      ...none,
      statuses: new Map([['cp-1', status('cp-1')]]),
      meters: new Map([['cp-1/1', meter('cp-1')]]),
    });
    expect(row.source).toBe('live');
    expect(row.connectors[0]).toMatchObject({ status: 'Charging', idTag: 'LIVE-TAG', powerW: 11_000 });
    expect(row.sessionEnergyWh).toBe(4_000);
    expect(row.powerW).toBe(11_000);
  });

  it('falls back to a REST detail read: power, energy since the session’s start, id tag of the open transaction', () => {
    const row = stationRow(station('cp-1'), {
      ...none,
      details: new Map([['cp-1', detail('cp-1')]]),
      active: activeByStation([tx(7, 'cp-1')]),
    });
    expect(row.source).toBe('rest');
    expect(row.connectors[0]).toMatchObject({ powerW: 7_400, sessionEnergyWh: 2_500, idTag: 'TAG-7' });
  });

  it('shows at least the open transactions when nothing else is known, and no power for a station not connected', () => {
    const row = stationRow(station('cp-1', { connected: false }), {
      ...none,
      active: activeByStation([tx(7, 'cp-1'), tx(8, 'cp-2'), tx(6, 'cp-1', { active: false })]),
    });
    expect(row.source).toBe('list');
    expect(row.connectors.map((c) => c.transactionId)).toEqual([7]);
    expect(row.idTags).toEqual(['TAG-7']);
    expect(row.powerW).toBeNull();
    expect(row.connected).toBe(false);
  });

  it('does not count a meter of an earlier session as this one’s energy', () => {
    const row = stationRow(station('cp-1'), {
      ...none,
      statuses: new Map([['cp-1', status('cp-1')]]),
      meters: new Map([['cp-1/1', meter('cp-1', { transaction_id: 3, power_w: 0 })]]),
    });
    expect(row.sessionEnergyWh).toBeNull();
    expect(row.powerW).toBe(0);
  });

  it('trusts the live connection state over the list', () => {
    const row = stationRow(station('cp-1', { connected: true }), {
      ...none,
      statuses: new Map([['cp-1', status('cp-1', { connected: false })]]),
    });
    expect(row.connected).toBe(false);
  });
});

describe('station ids', () => {
  it('sorts ids as an operator counts', () => {
    expect(byStationId([station('cp-10'), station('cp-2'), station('cp-1')]).map((s) => s.station_id)).toEqual([
      'cp-1',
      'cp-2',
      'cp-10',
    ]);
  });
});

describe('a command’s outcome', () => {
  it('says accepted, rejected by the charger, or timed out', async () => {
    expect(describeCommand(await runCommand(() => Promise.resolve({ status: 'Accepted' })))).toEqual({
      tone: 'ok',
      text: 'Accepted by the charger',
    });
    expect(describeCommand(await runCommand(() => Promise.resolve({ status: 'Rejected' })))).toEqual({
      tone: 'bad',
      text: 'Rejected by the charger (Rejected)',
    });
    expect(
      describeCommand({
        kind: 'answer',
        body: { status: 'rejected', message: 'Profile 101 refused (Rejected) by cp-1' },
      }),
    ).toEqual({ tone: 'bad', text: 'Rejected by the charger: Profile 101 refused (Rejected) by cp-1' });
    const timeout = await runCommand(() =>
      Promise.reject(new ApiError('csms', 504, 'cp-1 did not answer RemoteStartTransaction in time')),
    );
    expect(describeCommand(timeout)).toEqual({
      tone: 'warn',
      text: 'Timed out: cp-1 did not answer RemoteStartTransaction in time',
    });
  });

  it('lets the other failures through to be shown as errors', async () => {
    await expect(
      runCommand(() => Promise.reject(new ApiError('csms', 504, 'ocpp-csms is not reachable'))),
    ).rejects.toThrow('not reachable');
    await expect(
      runCommand(() => Promise.reject(new ApiError('csms', 503, 'Station cp-1 is not connected'))),
    ).rejects.toThrow('not connected');
  });
});

describe('the live meter over a row', () => {
  it('gives back the same row when no meter is known, and a new one with the meter summed when one is', () => {
    const base = baseStationRow(station('cp-1'), { ...none, statuses: new Map([['cp-1', status('cp-1')]]) });
    expect(withMeters(base, new Map())).toBe(base);
    const metered = withMeters(base, new Map([['cp-1/1', meter('cp-1')]]));
    expect(metered.powerW).toBe(11_000);
    expect(metered.sessionEnergyWh).toBe(4_000);
    expect(base.powerW).toBeNull();
  });
});
