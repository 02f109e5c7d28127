import type { LiveItem, StationLive } from './live-store';
import { ariaSort, needingDetail, nextSort, pageQuery, pagesInView } from './station-pages';

describe('station table pages', () => {
  it('reads the pages that hold the rows in view, and the first while nothing is in view', () => {
    expect(pagesInView(0, 30)).toEqual([0]);
    expect(pagesInView(95, 130)).toEqual([0, 1]);
    expect(pagesInView(4980, 4999)).toEqual([49]);
    expect(pagesInView(0, -1)).toEqual([0]);
    expect(pagesInView(7, 12, 5)).toEqual([1, 2]);
  });

  it('sends the filter and the order to the CSMS, leaving out what is the default', () => {
    expect(pageQuery({ q: '', status: 'all', connected: 'all', sort: 'id' }, 0)).toEqual({ offset: 0, limit: 100 });
    expect(pageQuery({ q: ' cp-1 ', status: 'Faulted', connected: 'false', sort: '-power' }, 3)).toEqual({
      q: 'cp-1',
      status: 'Faulted',
      connected: 'false',
      sort: '-power',
      offset: 300,
      limit: 100,
    });
  });

  it('flips a column clicked twice; power starts with the most first', () => {
    expect(nextSort('id', 'id')).toBe('-id');
    expect(nextSort('-id', 'id')).toBe('id');
    expect(nextSort('id', 'power')).toBe('-power');
    expect(nextSort('-power', 'power')).toBe('power');
    expect(nextSort('-power', 'status')).toBe('status');
    expect(ariaSort('-power', 'power')).toBe('descending');
    expect(ariaSort('status', 'status')).toBe('ascending');
    expect(ariaSort('status', 'id')).toBe('none');
  });

  it('reads by REST only the rows the live feed cannot fill: no status yet, or a session without its meter', () => {
    const status = { kind: 'station_status', key: 'x', at: 0, data: {} } as unknown as LiveItem<'station_status'>;
    const meter = { kind: 'station_meter', key: 'x', at: 0, data: {} } as unknown as LiveItem<'station_meter'>;
    const live: Record<string, StationLive> = {
      fresh: { status, meters: new Map([['fresh/1', meter]]) },
      'no-meter': { status, meters: new Map() },
      idle: { status, meters: new Map() },
    };
    const none: StationLive = { status: undefined, meters: new Map() };
    const open = new Map([
      ['fresh', [{ connector_id: 1 }]],
      ['no-meter', [{ connector_id: 2 }]],
    ]);
    expect(needingDetail(['fresh', 'no-meter', 'idle', 'unknown'], (id) => live[id] ?? none, open)).toEqual([
      'no-meter',
      'unknown',
    ]);
    expect(needingDetail([], (id) => live[id] ?? none, open)).toEqual([]);
  });
});
