import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpPriceSource, parsePriceRecord } from './http-price-source';
import { SimulatedMarket } from './simulated-market';

describe('price sources', () => {
  it('the simulated market is reproducible: the same interval always has the same price', async () => {
    const a = new SimulatedMarket({ seed: 3, basePerMwh: 45, intervalMin: 5 });
    const b = new SimulatedMarket({ seed: 3, basePerMwh: 45, intervalMin: 5 });
    const from = new Date('2026-03-02T00:00:00Z');
    const to = new Date('2026-03-03T00:00:00Z');
    const day = await a.fetch(from, to);
    expect(day).toHaveLength(288);
    expect(await b.fetch(from, to)).toEqual(day);
    const other = await new SimulatedMarket({ seed: 4, basePerMwh: 45, intervalMin: 5 }).fetch(from, to);
    expect(other).not.toEqual(day);
    // The evening peak is dearer than the midday solar dip on average.
    const mean = (h0: number, h1: number): number => {
      const xs = day.filter((p) => p.at.getUTCHours() >= h0 && p.at.getUTCHours() < h1).map((p) => p.energyPrice);
      return xs.reduce((s, v) => s + v, 0) / xs.length;
    };
    expect(mean(18, 21)).toBeGreaterThan(mean(12, 15));
  });

  it('parses a feed record, refusing one without a time or a price', () => {
    expect(parsePriceRecord({ timestamp: '2026-01-01T10:00:00Z', energy_price: 31.5, hash_price: 8 })).toEqual({
      at: new Date('2026-01-01T10:00:00Z'),
      energyPrice: 31.5,
      hashPrice: 8,
      tokenPrice: 0,
      volume: 0,
    });
    expect(parsePriceRecord({ timestamp: 'yesterday', energy_price: 3 })).toBe(
      'timestamp is not an ISO-8601 date-time',
    );
    expect(parsePriceRecord({ timestamp: '2026-01-01T10:00:00Z', energy_price: '3' })).toBe(
      'energy_price is not a number',
    );
  });

  describe('over HTTP', () => {
    let server: Server;
    let body = '';
    let status = 200;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prices`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it("reads MARA's array and document 003's {data}, keeping the window and counting bad records", async () => {
      const source = new HttpPriceSource(url);
      const records = [
        { timestamp: '2026-01-01T10:05:00Z', energy_price: 2 },
        { timestamp: '2026-01-01T10:00:00Z', energy_price: 1 },
        { timestamp: 'not a time', energy_price: 5 },
        { timestamp: '2025-12-31T00:00:00Z', energy_price: 9 },
      ];
      body = JSON.stringify(records);
      const points = await source.fetch(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
      expect(points.map((p) => p.energyPrice)).toEqual([1, 2]);
      expect(source.rejected).toBe(1);
      body = JSON.stringify({ data: records.slice(0, 1) });
      expect(await source.fetch(new Date(0), new Date('2027-01-01T00:00:00Z'))).toHaveLength(1);
    });

    it('fails loudly on an error status or a body of another shape', async () => {
      const source = new HttpPriceSource(url);
      status = 502;
      await expect(source.fetch(new Date(0), new Date())).rejects.toThrow('price feed answered 502');
      status = 200;
      body = '{"prices": []}';
      await expect(source.fetch(new Date(0), new Date())).rejects.toThrow('neither an array');
    });
  });
});
