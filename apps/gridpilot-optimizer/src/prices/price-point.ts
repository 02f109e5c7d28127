/** One market interval: document 003's price record ($/MWh for energy). */
export interface PricePoint {
  /** Start of the interval. */
  at: Date;
  energyPrice: number;
  hashPrice: number;
  tokenPrice: number;
  volume: number;
}

/** Where prices come from: the simulated market by default, or an HTTP feed. */
export interface PriceSource {
  readonly name: string;
  /** The intervals that started in [from, to), oldest first; what the source cannot give is left out. */
  fetch(from: Date, to: Date): Promise<PricePoint[]>;
  /** Whether history before the first start can be asked for (the simulated market can). */
  readonly canBackfill: boolean;
}
