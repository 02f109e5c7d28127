import { orderStations, statusRank, type StationOrderFacts } from './station-order';

const station = (id: string, patch: Partial<StationOrderFacts> = {}): StationOrderFacts => ({
  id,
  connected: true,
  statuses: ['Available'],
  powerW: null,
  ...patch,
});

const ids = (list: StationOrderFacts[]): string[] => list.map((s) => s.id);

describe('GET /stations order', () => {
  const stations = [
    station('cp-3', { statuses: ['Charging'], powerW: 7400 }),
    station('cp-1', { connected: false, statuses: [] }),
    station('cp-2', { statuses: ['Available', 'Faulted'], powerW: 0 }),
    station('cp-4', { statuses: ['Charging'], powerW: 11000 }),
    station('cp-5', { statuses: [null] }),
  ];

  it('orders by id, ascending or descending', () => {
    expect(ids(orderStations(stations))).toEqual(['cp-1', 'cp-2', 'cp-3', 'cp-4', 'cp-5']);
    expect(ids(orderStations(stations, '-id'))).toEqual(['cp-5', 'cp-4', 'cp-3', 'cp-2', 'cp-1']);
  });

  it('orders by status: a fault first, not connected last, ties by id', () => {
    expect(ids(orderStations(stations, 'status'))).toEqual(['cp-2', 'cp-3', 'cp-4', 'cp-5', 'cp-1']);
    expect(ids(orderStations(stations, '-status'))).toEqual(['cp-1', 'cp-5', 'cp-3', 'cp-4', 'cp-2']);
    expect(statusRank({ connected: true, statuses: ['SomethingNew'] })).toBe(
      statusRank({ connected: true, statuses: [] }),
    );
  });

  it('orders by power, with unknown power last in either direction', () => {
    expect(ids(orderStations(stations, 'power'))).toEqual(['cp-2', 'cp-3', 'cp-4', 'cp-1', 'cp-5']);
    expect(ids(orderStations(stations, '-power'))).toEqual(['cp-4', 'cp-3', 'cp-2', 'cp-1', 'cp-5']);
  });
});
