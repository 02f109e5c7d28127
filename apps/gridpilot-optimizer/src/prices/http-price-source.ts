import { Logger } from '@nestjs/common';
import type { PricePoint, PriceSource } from './price-point';

interface PriceRecord {
  timestamp?: unknown;
  energy_price?: unknown;
  hash_price?: unknown;
  token_price?: unknown;
  volume?: unknown;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One record of a feed, or the reason it is refused. */
export function parsePriceRecord(record: PriceRecord): PricePoint | string {
  const at = typeof record.timestamp === 'string' ? new Date(record.timestamp) : null;
  if (!at || Number.isNaN(at.getTime())) return 'timestamp is not an ISO-8601 date-time';
  if (!finite(record.energy_price)) return 'energy_price is not a number';
  return {
    at,
    energyPrice: record.energy_price,
    hashPrice: finite(record.hash_price) ? record.hash_price : 0,
    tokenPrice: finite(record.token_price) ? record.token_price : 0,
    volume: finite(record.volume) ? record.volume : 0,
  };
}

/**
 * Prices from an HTTP feed answering a JSON array of `{timestamp, energy_price, hash_price,
 * token_price}` (MARA's pricing API, or document 003's own `{ data: [...] }`). Bad records are
 * counted and logged, never stored.
 */
export class HttpPriceSource implements PriceSource {
  readonly name = 'http';
  readonly canBackfill = false;
  private readonly logger = new Logger('prices:http');
  rejected = 0;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5000,
  ) {}

  async fetch(from: Date, to: Date): Promise<PricePoint[]> {
    const response = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!response.ok) throw new Error(`price feed answered ${response.status}`);
    const body = await response.json();
    const records = Array.isArray(body)
      ? body
      : body && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data)
        ? (body as { data: unknown[] }).data
        : null;
    if (!records) throw new Error('price feed answered neither an array nor {data: [...]}');
    const points: PricePoint[] = [];
    for (const record of records) {
      const parsed = parsePriceRecord((record ?? {}) as PriceRecord);
      if (typeof parsed === 'string') {
        this.rejected += 1;
        this.logger.warn(`refused a price record: ${parsed}: ${JSON.stringify(record).slice(0, 200)}`);
      } else if (parsed.at >= from && parsed.at < to) {
        points.push(parsed);
      }
    }
    return points.sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
