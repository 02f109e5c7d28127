import { Inject, Injectable } from '@nestjs/common';
import { SiteClock } from '@lib/config';
import { GridpilotConfig } from '../gridpilot-optimizer.config';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { PricesService } from '../prices/prices.service';
import { EnsembleForecast, ensembleForecast } from './ensemble';
import { HourCalendar, Method, holtWinters, lagRegression, seasonalNaive } from './methods';

const HOUR_MS = 3_600_000;
/** Hours of history the models are fitted on (three weeks, or what there is). */
const HISTORY_HOURS = 21 * 24;

export interface PriceForecast extends EnsembleForecast {
  /** Start of each forecast hour; the first is the current hour. */
  hours: Date[];
  methods: string[];
  historyHours: number;
  computeMs: number;
}

/** The hourly energy-price forecast, recomputed when a new hour of prices or other options arrive. */
@Injectable()
export class ForecastService {
  private cache: { key: string; forecast: PriceForecast } | null = null;

  /** Hours of day and weekends on the site's clock (SITE_TIMEZONE): prices follow local life. */
  private readonly calendar: HourCalendar;

  constructor(
    private readonly prices: PricesService,
    @Inject(GRIDPILOT_CONFIG) config: GridpilotConfig,
  ) {
    const clock = new SiteClock(config.timezone);
    this.calendar = (hourIndex) => {
      const at = hourIndex * HOUR_MS;
      return { hour: clock.hourOfDay(at), weekend: clock.weekday(at) >= 6 };
    };
  }

  methods(advanced: boolean): Method[] {
    const base = [seasonalNaive(), lagRegression(1, this.calendar), holtWinters()];
    return advanced ? [...base, seasonalNaive(168)] : base;
  }

  /** `periods` hours from the current one. Null when there is no price history yet. */
  forecast(periods: number, advanced = false, now = new Date()): PriceForecast | null {
    const { start, values } = this.prices.hourly(HISTORY_HOURS, now);
    if (values.length === 0) return null;
    const key = `${start.getTime()}:${values.length}:${values.at(-1)}:${periods}:${advanced}`;
    if (this.cache?.key === key) return this.cache.forecast;
    const started = performance.now();
    const methods = this.methods(advanced);
    const result = ensembleForecast(methods, values, start.getTime() / HOUR_MS, periods, advanced ? 10 : 5);
    const first = start.getTime() + values.length * HOUR_MS;
    const forecast: PriceForecast = {
      ...result,
      hours: Array.from({ length: periods }, (_, h) => new Date(first + h * HOUR_MS)),
      methods: methods.map((m) => m.name),
      historyHours: values.length,
      computeMs: performance.now() - started,
    };
    this.cache = { key, forecast };
    return forecast;
  }

  /** The price and its uncertainty for each MPC step, from the hourly forecast. */
  perStep(
    forecast: PriceForecast,
    steps: number,
    stepMin: number,
    now = new Date(),
  ): { price: number[]; sigma: number[] } {
    const price: number[] = [];
    const sigma: number[] = [];
    const first = forecast.hours[0].getTime();
    for (let t = 0; t < steps; t++) {
      const at = now.getTime() + t * stepMin * 60_000;
      const h = Math.min(forecast.values.length - 1, Math.max(0, Math.floor((at - first) / HOUR_MS)));
      price.push(forecast.values[h]);
      sigma.push((forecast.upper[h] - forecast.lower[h]) / 2);
    }
    return { price, sigma };
  }
}
