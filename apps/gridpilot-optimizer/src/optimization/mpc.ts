import type { Highs } from 'highs';
import type { FlexibleLoadConfig, GridpilotConfig } from '../gridpilot-optimizer.config';
import { INF, LpBuilder } from './lp';

/** The battery as the LP sees it: capacity, power, one-way efficiency and SOC bounds. */
export type BatteryModel = Omit<GridpilotConfig['battery'], 'socInitial'>;

export interface MpcInput {
  steps: number;
  stepHours: number;
  /** Forecast energy price per step ($/MWh) and its uncertainty (half the 90 % band). */
  price: readonly number[];
  priceUncertainty: readonly number[];
  /** Forecast generation (kW) and the load nobody steers (kW), per step. */
  generationKw: readonly number[];
  baseLoadKw: readonly number[];
  loads: readonly FlexibleLoadConfig[];
  /** What each load draws now (kW): the first step's ramp starts there. */
  currentKw: Readonly<Record<string, number>>;
  coolingRatio: number;
  battery: BatteryModel;
  soc0: number;
  site: Omit<GridpilotConfig['site'], 'coolingRatio'>;
  /** Import prices are raised and export prices lowered by this many times the price uncertainty. */
  riskAversion: number;
  /** Battery wear: $ per kWh charged or discharged. */
  lambdaDeg: number;
}

export interface MpcStep {
  loadsKw: Record<string, number>;
  coolingKw: number;
  chargeKw: number;
  dischargeKw: number;
  /** SOC at the end of the step. */
  soc: number;
  importKw: number;
  exportKw: number;
  /** By how much the net export leaves the band (kW; 0 when inside). */
  bandViolationKw: number;
  /** What the site draws from the plant: base + loads + cooling + charge − discharge. */
  consumptionKw: number;
}

export interface MpcResult {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'error';
  /** Welfare over the horizon ($): load value − energy cost + export revenue − wear − band penalty. */
  objective: number;
  steps: MpcStep[];
  constraintsSatisfied: boolean;
  maxViolation: number;
  columns: number;
  rows: number;
  buildMs: number;
  solveMs: number;
  /** The SOC the horizon should end at (where it starts, within the SOC bounds), and what it is short of it (kWh). */
  terminalTargetSoc: number;
  terminalShortfallKwh: number;
  /** What each MWh of that shortfall cost the plan ($/MWh). */
  terminalValuePerMwh: number;
}

/** $/MWh charged for each MWh the net export spends outside its band: the band is soft, never infeasible. */
export const BAND_PENALTY_PER_MWH = 100_000;
const TOLERANCE = 1e-6;

/**
 * What each MWh of stored energy below the terminal target costs the plan ($/MWh): more than the
 * horizon could earn with it anywhere (its highest import cost, export price or load block value,
 * plus the wear, through the round trip's losses) and +1, so restoring the battery always beats
 * leaving it short when the horizon has the energy to do it; never more than half the band's
 * penalty (through the losses), so keeping the export in its band always beats keeping the battery full.
 */
export function terminalShortfallValue(input: MpcInput): number {
  const { site, battery } = input;
  let best = 0;
  for (let t = 0; t < input.steps; t++) {
    const sigma = input.riskAversion * (input.priceUncertainty[t] ?? 0);
    best = Math.max(best, input.price[t] + site.importFeePerMwh + sigma, site.exportPriceFactor * input.price[t]);
  }
  for (const load of input.loads) for (const block of load.blocks) best = Math.max(best, block.valuePerMwh);
  const eta = battery.efficiency;
  const value = (best + 2000 * input.lambdaDeg) / (eta * eta) + 1;
  return Math.min(value, (BAND_PENALTY_PER_MWH * eta * eta) / 2);
}

/**
 * The model-predictive dispatch as one linear program over the horizon.
 *
 * Per step t: each load's power is the sum of its bid blocks b[l,k,t] ∈ [0, kw_k] valued at the
 * block's $/MWh, within [min, max] and a ramp of the power one step earlier; compute loads bring
 * cooling = COOLING_RATIO × their power. The battery charges c and discharges d (≤ max power);
 * soc[t+1] = soc[t] + (η·c − d/η)·Δt / capacity within [socMin, socMax]. The horizon should end no
 * emptier than it began (the terminal target): a soft constraint, each MWh of stored energy short of
 * the target costs `terminalValuePerMwh` (terminalShortfallValue), more than any use the horizon
 * has for a MWh and far less than the band's penalty. So the battery is restored whenever the
 * horizon has the energy to do it (as a hard constraint would), but during a cloud the PV cannot
 * refill it discharges now instead of letting the export leave its band. The balance
 * generation + d + import = base + loads + cooling + c + export holds exactly, the net export
 * (export − import) stays in [EXPORT_MIN_KW, EXPORT_MAX_KW] up to a heavily penalised slack, and
 * the site never feeds the plant (consumption ≥ 0).
 *
 * Maximised: Σ Δt/1000 · [block values − (price + fee + ρσ)·import + (φ·price − ρσ)·export]
 * − λ_deg · (c + d)·Δt − penalty · slack − terminal value · shortfall.
 */
export function solveMpc(highs: Highs, input: MpcInput): MpcResult {
  const started = performance.now();
  const lp = new LpBuilder();
  const { steps, stepHours: dt, battery, site } = input;
  const mwh = dt / 1000;
  const blockCols: number[][][] = input.loads.map(() => []);
  const charge: number[] = [];
  const discharge: number[] = [];
  const soc: number[] = [];
  const importCols: number[] = [];
  const exportCols: number[] = [];
  const slackLow: number[] = [];
  const slackHigh: number[] = [];
  const terminal = Math.min(battery.socMax, Math.max(battery.socMin, input.soc0));
  const terminalValue = terminalShortfallValue(input);
  const perStepSoc = dt / battery.capacityKwh;

  for (let t = 0; t < steps; t++) {
    const price = input.price[t];
    const sigma = input.riskAversion * (input.priceUncertainty[t] ?? 0);
    input.loads.forEach((load, l) => {
      blockCols[l][t] = load.blocks.map((b) => lp.addCol(b.valuePerMwh * mwh, 0, b.kw));
    });
    charge[t] = lp.addCol(-input.lambdaDeg * dt, 0, battery.maxPowerKw);
    discharge[t] = lp.addCol(-input.lambdaDeg * dt, 0, battery.maxPowerKw);
    soc[t] = lp.addCol(0, battery.socMin, battery.socMax);
    importCols[t] = lp.addCol(-(price + site.importFeePerMwh + sigma) * mwh, 0, site.powerKw);
    exportCols[t] = lp.addCol((site.exportPriceFactor * price - sigma) * mwh, 0, site.powerKw);
    slackLow[t] = lp.addCol(-BAND_PENALTY_PER_MWH * mwh, 0, INF);
    slackHigh[t] = lp.addCol(-BAND_PENALTY_PER_MWH * mwh, 0, INF);

    const loadTerms = (l: number, factor = 1): [number, number][] => blockCols[l][t].map((c) => [c, factor]);
    // Balance: loads·(1 + cooling) + charge + export − discharge − import = generation − base.
    const balance: [number, number][] = [];
    input.loads.forEach((load, l) => balance.push(...loadTerms(l, load.cooled ? 1 + input.coolingRatio : 1)));
    balance.push([charge[t], 1], [exportCols[t], 1], [discharge[t], -1], [importCols[t], -1]);
    const net = input.generationKw[t] - input.baseLoadKw[t];
    lp.addRow(net, net, balance);
    // Consumption from the plant is never negative: loads + cooling + charge − discharge ≥ −base.
    const consumption: [number, number][] = balance.filter(([c]) => c !== exportCols[t] && c !== importCols[t]);
    lp.addRow(-input.baseLoadKw[t], INF, consumption);
    // The net export stays in its band (soft).
    lp.addRow(site.exportMinKw, site.exportMaxKw, [
      [exportCols[t], 1],
      [importCols[t], -1],
      [slackLow[t], 1],
      [slackHigh[t], -1],
    ]);
    input.loads.forEach((load, l) => {
      lp.addRow(load.minKw, load.maxKw, loadTerms(l));
      if (t === 0) {
        const now = input.currentKw[load.name] ?? load.minKw;
        // Ranged, and always reachable: from anywhere, a step may at least get back into [min, max].
        lp.addRow(
          Math.min(now - load.rampKwPerStep, load.maxKw),
          Math.max(now + load.rampKwPerStep, load.minKw),
          loadTerms(l),
        );
      } else {
        const previous = blockCols[l][t - 1].map((c): [number, number] => [c, -1]);
        lp.addRow(-load.rampKwPerStep, load.rampKwPerStep, [...loadTerms(l), ...previous]);
      }
    });
    // SOC dynamics.
    const socTerms: [number, number][] = [
      [soc[t], 1],
      [charge[t], -battery.efficiency * perStepSoc],
      [discharge[t], perStepSoc / battery.efficiency],
    ];
    if (t > 0) socTerms.push([soc[t - 1], -1]);
    const rhs = t === 0 ? input.soc0 : 0;
    lp.addRow(rhs, rhs, socTerms);
  }
  // The terminal target, soft: soc[end] + shortfall ≥ target, each MWh short costing terminalValue.
  const shortfall = lp.addCol((-terminalValue * battery.capacityKwh) / 1000, 0, Math.max(0, terminal - battery.socMin));
  if (steps > 0)
    lp.addRow(terminal, INF, [
      [soc[steps - 1], 1],
      [shortfall, 1],
    ]);
  const built = performance.now();
  const solution = lp.solve(highs, true);
  const solved = performance.now();

  const x = solution.x;
  const value = (c: number): number => (solution.status === 'optimal' ? x[c] : 0);
  const plan: MpcStep[] = [];
  for (let t = 0; t < steps && solution.status === 'optimal'; t++) {
    const loadsKw: Record<string, number> = {};
    let cooled = 0;
    let loadsTotal = 0;
    input.loads.forEach((load, l) => {
      const kw = blockCols[l][t].reduce((s, c) => s + value(c), 0);
      loadsKw[load.name] = kw;
      loadsTotal += kw;
      if (load.cooled) cooled += kw;
    });
    const coolingKw = cooled * input.coolingRatio;
    plan.push({
      loadsKw,
      coolingKw,
      chargeKw: value(charge[t]),
      dischargeKw: value(discharge[t]),
      soc: value(soc[t]),
      importKw: value(importCols[t]),
      exportKw: value(exportCols[t]),
      bandViolationKw: value(slackLow[t]) + value(slackHigh[t]),
      consumptionKw: input.baseLoadKw[t] + loadsTotal + coolingKw + value(charge[t]) - value(discharge[t]),
    });
  }
  const maxViolation = solution.status === 'optimal' ? lp.violation(x) : INF;
  const scale = Math.max(1, site.powerKw);
  return {
    status: solution.status,
    objective: solution.objective,
    steps: plan,
    constraintsSatisfied:
      solution.status === 'optimal' &&
      maxViolation <= TOLERANCE * scale &&
      plan.every((s) => s.bandViolationKw <= TOLERANCE * scale),
    maxViolation,
    columns: lp.numCols,
    rows: lp.numRows,
    buildMs: built - started,
    solveMs: solved - built,
    terminalTargetSoc: terminal,
    terminalShortfallKwh: value(shortfall) * battery.capacityKwh,
    terminalValuePerMwh: terminalValue,
  };
}
