import type { ActiveTransaction } from '../composite';
import { Car, carDrawW } from './car';

/** One MeterValues a connector sent: what its car drew (W) under the limit its profiles set then. */
export interface CarReading {
  at: number;
  powerW: number;
  limitW: number;
}

/** Readings kept per connector. */
export const READINGS_KEPT = 10_000;

/**
 * The energy side of one connector, without any I/O: its meter register, the car plugged in,
 * the transaction running, and the power the car holds until the next step. `advance` is the
 * only way time passes: the power held since the last step goes into the register (and the car's
 * battery), then the car takes what the limit allows now.
 */
export class ConnectorState {
  car: Car | null = null;
  transaction: ActiveTransaction | null = null;
  /** The import register (Wh), as MeterValues and StopTransaction report it. */
  meterWh = 0;
  /** What the car draws now (W), held until the next `advance`. */
  powerW = 0;
  readonly readings: CarReading[] = [];
  /** How often the car's transaction sends MeterValues (ms). */
  meterIntervalMs = 10_000;

  constructor(readonly connectorId: number) {}

  /** Power flows only while a car is plugged in and its transaction runs. */
  get charging(): boolean {
    return this.car !== null && this.transaction !== null;
  }

  /**
   * `dtMs` has passed at the power held: counted into the register and the battery. Then the car
   * draws under `limitW` (what its profiles allow now) on a charger of `chargerMaxW`. Returns the
   * new power (W).
   */
  advance(dtMs: number, limitW: number, chargerMaxW: number): number {
    const wh = (this.powerW * Math.max(0, dtMs)) / 3_600_000;
    this.meterWh += wh;
    const battery = this.car?.battery;
    if (battery) battery.socPct = Math.min(100, battery.socPct + (wh / 1000 / battery.capacityKwh) * 100);
    this.powerW = this.car && this.transaction ? carDrawW(this.car, limitW, chargerMaxW) : 0;
    return this.powerW;
  }

  /** Keeps a reading (the latest READINGS_KEPT: a charger running for days must not grow). */
  record(reading: CarReading): void {
    this.readings.push(reading);
    if (this.readings.length > READINGS_KEPT) this.readings.splice(0, this.readings.length - READINGS_KEPT);
  }

  /** The transaction ended: nothing flows until the next one. */
  endTransaction(): void {
    this.transaction = null;
    this.powerW = 0;
  }
}
