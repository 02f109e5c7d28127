import type { FlexibleLoadConfig } from '../gridpilot-optimizer.config';
import { Bid, roundTo, vcgAuction } from '@lib/power';

export interface BudgetSplit {
  /** kW per load, plus `cooling`. */
  allocation: Record<string, number>;
  /** Clarke-pivot payment per load ($/h); cooling is paid through the compute loads' bids. */
  payments: Record<string, number>;
  /** Value of the allocation above the must-run minimums ($/h). */
  welfare: number;
  /** kW of site power given out, cooling included. */
  totalKw: number;
  /** Whether the budget covered every load's minimum. */
  minimumsMet: boolean;
}

const round = (v: number): number => roundTo(v, 3);

/**
 * Splits a power budget (kW of site power) among the flexible loads. Each load's minimum is
 * must-run and comes first, at no charge; the rest is sold by a VCG auction in which each load bids
 * its value blocks above its minimum. A compute load's block of x kW costs x·(1 + COOLING_RATIO)
 * of the budget, so it bids its value per kW of site power.
 */
export function splitBudget(
  loads: readonly FlexibleLoadConfig[],
  budgetKw: number,
  coolingRatio: number,
  available: (load: FlexibleLoadConfig) => boolean = () => true,
): BudgetSplit {
  const factor = (load: FlexibleLoadConfig): number => (load.cooled ? 1 + coolingRatio : 1);
  const running = loads.filter(available);
  const mustRun = running.reduce((s, l) => s + l.minKw * factor(l), 0);
  const minimumsMet = mustRun <= budgetKw + 1e-9;
  const scaleMin = minimumsMet || mustRun === 0 ? 1 : Math.max(0, budgetKw) / mustRun;
  const bids: Bid[] = running.map((load) => {
    let skip = load.minKw;
    const blocks = [];
    for (const block of load.blocks) {
      const kw = Math.min(block.kw - Math.min(skip, block.kw), load.maxKw - load.minKw);
      skip = Math.max(0, skip - block.kw);
      if (kw > 1e-9) blocks.push({ quantity: kw * factor(load), price: block.valuePerMwh / factor(load) });
    }
    return { bidder: load.name, blocks };
  });
  const auction = vcgAuction(
    Math.max(0, budgetKw - mustRun),
    bids.filter((b) => b.blocks.length > 0),
  );
  const allocation: Record<string, number> = {};
  const payments: Record<string, number> = {};
  let cooling = 0;
  let totalKw = 0;
  for (const load of loads) {
    const award = auction.awards.find((a) => a.bidder === load.name);
    const kw = available(load) ? load.minKw * scaleMin + (award?.quantity ?? 0) / factor(load) : 0;
    allocation[load.name] = round(kw);
    payments[load.name] = round((award?.payment ?? 0) / 1000);
    if (load.cooled) cooling += kw * coolingRatio;
    totalKw += kw * factor(load);
  }
  allocation.cooling = round(cooling);
  payments.cooling = 0;
  return { allocation, payments, welfare: round(auction.welfare / 1000), totalKw: round(totalKw), minimumsMet };
}
