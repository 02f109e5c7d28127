import { LiveStore, type LiveItem } from './live-store';

const status = (station: string, connected = true): LiveItem => ({
  kind: 'station_status',
  key: station,
  at: 1,
  data: { station_id: station, connected, connectors: [], timestamp: '2026-01-01T00:00:00Z' },
});
const meter = (station: string, connector: number, power: number): LiveItem =>
  ({
    kind: 'station_meter',
    key: `${station}/${connector}`,
    at: 1,
    data: { station_id: station, connector_id: connector, power_w: power },
  }) as LiveItem;

describe('the live store', () => {
  it('wakes only the row of the station that changed, and keeps the other rows as they were', () => {
    const store = new LiveStore(0);
    store.follow(['cp-1', 'cp-2']);
    store.apply({ type: 'update', items: [status('cp-1'), status('cp-2'), meter('cp-1', 1, 7000)] });
    const before = store.station('cp-2');
    let woken = { 'cp-1': 0, 'cp-2': 0 };
    store.subscribeStation('cp-1', () => (woken = { ...woken, 'cp-1': woken['cp-1'] + 1 }));
    store.subscribeStation('cp-2', () => (woken = { ...woken, 'cp-2': woken['cp-2'] + 1 }));
    store.apply({ type: 'update', items: [meter('cp-1', 1, 7400)] });
    expect(woken).toEqual({ 'cp-1': 1, 'cp-2': 0 });
    expect(store.station('cp-2')).toBe(before);
    expect(store.station('cp-1').meters.get('cp-1/1')?.data.power_w).toBe(7400);
  });

  it('asks the host for the stations some view follows, once for a burst of changes, and forgets the others', async () => {
    const store = new LiveStore(10);
    const sent: string[][] = [];
    store.setSender((stations) => sent.push([...stations].sort()));
    expect(sent).toEqual([[]]);
    const table = store.follow(['cp-1', 'cp-2']);
    const card = store.follow(['cp-2', 'cp-3']);
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toEqual([[], ['cp-1', 'cp-2', 'cp-3']]);
    store.apply({ type: 'update', items: [status('cp-1'), status('cp-2'), status('cp-9')] });
    // A station nobody follows (a late frame) is not kept.
    expect(store.station('cp-9').status).toBeUndefined();
    table();
    await new Promise((r) => setTimeout(r, 30));
    expect(sent.at(-1)).toEqual(['cp-2', 'cp-3']);
    expect(store.station('cp-1').status).toBeUndefined();
    expect(store.map('station_status').has('cp-1')).toBe(false);
    expect(store.station('cp-2').status).toBeDefined();
    card();
  });
});
