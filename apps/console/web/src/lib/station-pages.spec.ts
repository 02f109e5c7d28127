import { ariaSort, nextSort, pageQuery, pagesInView } from './station-pages';

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
});
