import type { LatestReadingResponseDto, SetConsumptionResponseDto } from '@lib/contracts';

export interface PlantReading {
  at: Date;
  generationKw: number;
  consumptionKw: number;
  exportedKw: number;
}

/** plant-simulator's HTTP API (document 000): the latest reading with the bearer token, and POST /data/consumption. */
export class PlantClient {
  constructor(
    private readonly options: {
      url: string;
      /** The plant's document token (GET /data/latest). */
      token: string;
      /** The site service token, for POST /data/consumption when the plant's public writes are closed. */
      serviceToken: string | null;
      plantId: string;
      timeoutMs: number;
    },
  ) {}

  private url(path: string): string {
    return `${this.options.url}${path}?plant_id=${encodeURIComponent(this.options.plantId)}`;
  }

  async latest(): Promise<PlantReading> {
    const response = await fetch(this.url('/data/latest'), {
      headers: { authorization: `Bearer ${this.options.token}` },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`plant answered ${response.status} to GET /data/latest`);
    const { reading } = (await response.json()) as LatestReadingResponseDto;
    return {
      at: new Date(reading.collection_timestamp),
      generationKw: reading.totals.generation_mw * 1000,
      consumptionKw: reading.totals.consumption_mw * 1000,
      exportedKw: reading.totals.exported_mw * 1000,
    };
  }

  /** Posts the consumption the site will draw; answers what the plant now records (kW). */
  async setConsumption(consumptionKw: number): Promise<number> {
    const response = await fetch(this.url('/data/consumption'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.serviceToken ? { authorization: `Bearer ${this.options.serviceToken}` } : {}),
      },
      body: JSON.stringify({ expected_consumption_mw: Math.max(0, consumptionKw) / 1000 }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`plant answered ${response.status} to POST /data/consumption`);
    const body = (await response.json()) as SetConsumptionResponseDto;
    return body.consumption_mw * 1000;
  }
}
