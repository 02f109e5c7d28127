import type { PlantConfig } from '../plant-simulator.config';
import { PlantHealthDto, PlantReadingDto, isoSeconds } from '@lib/contracts';
import {
  CONSUMPTION_SHARE,
  GENERATION_SHARE,
  Random,
  WalkBounds,
  drawShare,
  powerTotals,
  splitInTwo,
  walkStart,
  walkStep,
} from '@lib/power';

const ok = (valueMw: number): { value_mw: number; status: 'success' } => ({ value_mw: valueMw, status: 'success' });

/**
 * One plant: generation random-walks inside its bounds; consumption is only what the automation
 * posted. The reading is rebuilt (and its JSON cached) when either changes, not on every request.
 */
export class PlantState {
  readonly bounds: WalkBounds;
  private generationMw: number;
  private consumptionMw = 0;
  private consumptionSource: 'none' | 'external' = 'none';
  /** Sunlight as a factor of the walk's (clear-sky) generation: a forced cloud. */
  private irradiance = 1;
  private generationShare: number;
  private consumptionShare: number;
  private current!: PlantReadingDto;
  private currentJson!: string;
  seq = 0;

  constructor(
    readonly config: PlantConfig,
    private readonly random: Random,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.bounds = { min: config.genMinMw, max: config.genMaxMw, step: config.stepMw };
    this.generationMw = walkStart(this.bounds, random);
    this.generationShare = drawShare(random, GENERATION_SHARE);
    this.consumptionShare = drawShare(random, CONSUMPTION_SHARE);
    this.rebuild();
  }

  get id(): string {
    return this.config.id;
  }

  /** One generation update; the split between the two sources moves with it. */
  tick(): PlantReadingDto {
    this.generationMw = walkStep(this.generationMw, this.bounds, this.random);
    this.generationShare = drawShare(this.random, GENERATION_SHARE);
    this.consumptionShare = drawShare(this.random, CONSUMPTION_SHARE);
    return this.rebuild();
  }

  setConsumption(consumptionMw: number): PlantReadingDto {
    this.consumptionMw = consumptionMw;
    this.consumptionSource = 'external';
    return this.rebuild();
  }

  /** Generation becomes `factor` × the walk from now on, in one step; the walk itself goes on. */
  setIrradiance(factor: number): PlantReadingDto {
    this.irradiance = factor;
    return this.rebuild();
  }

  get irradianceFactor(): number {
    return this.irradiance;
  }

  get reading(): PlantReadingDto {
    return this.current;
  }

  /** `{"reading": …}` as JSON, ready to send. */
  get latestJson(): string {
    return this.currentJson;
  }

  health(): PlantHealthDto {
    return {
      status: 'ok',
      generation_range: [this.bounds.min, this.bounds.max],
      current_generation: this.current.totals.generation_mw,
      current_consumption: this.current.totals.consumption_mw,
      consumption_source: this.consumptionSource,
      irradiance_factor: this.irradiance,
    };
  }

  private rebuild(): PlantReadingDto {
    const [generoso, nogueira] = splitInTwo(this.generationMw * this.irradiance, this.generationShare);
    const [eles, mazp] = splitInTwo(this.consumptionMw, this.consumptionShare);
    const totals = powerTotals(generoso + nogueira, eles + mazp);
    this.seq += 1;
    this.current = {
      collection_timestamp: isoSeconds(this.now()),
      consumption: { container_eles: ok(eles), container_mazp: ok(mazp) },
      generation: { generoso: ok(generoso), nogueira: ok(nogueira) },
      totals: {
        consumption_mw: totals.consumptionMw,
        generation_mw: totals.generationMw,
        exported_mw: totals.exportedMw,
      },
    };
    this.currentJson = JSON.stringify({ reading: this.current });
    return this.current;
  }
}
