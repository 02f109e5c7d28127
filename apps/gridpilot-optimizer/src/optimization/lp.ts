import loadHighs, { type Highs, type ModelData } from 'highs';

let loading: Promise<Highs> | null = null;

/** The HiGHS WebAssembly runtime, compiled once per process. */
export function highsRuntime(): Promise<Highs> {
  loading ??= loadHighs();
  return loading;
}

export const INF = Number.POSITIVE_INFINITY;

export interface LpSolution {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'error';
  objective: number;
  x: Float64Array;
}

/**
 * A linear program built column by column and handed to HiGHS as a sparse (CSC) matrix through
 * its model API: no LP text, so ranged rows (lo ≤ a·x ≤ hi) are passed exactly as they are.
 */
export class LpBuilder {
  readonly cost: number[] = [];
  readonly colLower: number[] = [];
  readonly colUpper: number[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  private readonly entries: { row: number; value: number }[][] = [];

  addCol(cost: number, lower: number, upper: number): number {
    this.cost.push(cost);
    this.colLower.push(lower);
    this.colUpper.push(upper);
    this.entries.push([]);
    return this.cost.length - 1;
  }

  /** A row lo ≤ Σ value·x[col] ≤ hi; use ±INF for a missing side. */
  addRow(lower: number, upper: number, terms: readonly (readonly [number, number])[]): number {
    const row = this.rowLower.length;
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    for (const [col, value] of terms) {
      if (value !== 0) this.entries[col].push({ row, value });
    }
    return row;
  }

  get numCols(): number {
    return this.cost.length;
  }

  get numRows(): number {
    return this.rowLower.length;
  }

  toModel(highs: Highs, maximize: boolean): ModelData {
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const column of this.entries) {
      for (const entry of column) {
        indices.push(entry.row);
        values.push(entry.value);
      }
      starts.push(indices.length);
    }
    return {
      numCols: this.numCols,
      numRows: this.numRows,
      sense: maximize ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
      colCost: this.cost,
      colLower: this.colLower,
      colUpper: this.colUpper,
      rowLower: this.rowLower,
      rowUpper: this.rowUpper,
      matrix: { format: 'csc', numRows: this.numRows, numCols: this.numCols, starts, indices, values },
    };
  }

  solve(highs: Highs, maximize: boolean, timeLimitS = 10): LpSolution {
    return highs.withModel(this.toModel(highs, maximize), (model) => {
      model.options.set({ output_flag: false, time_limit: timeLimitS });
      model.run();
      const code = model.getModelStatus();
      const statuses = highs.constants.modelStatus;
      const status: LpSolution['status'] =
        code === statuses.optimal
          ? 'optimal'
          : code === statuses.infeasible
            ? 'infeasible'
            : code === statuses.unbounded || code === statuses.unboundedOrInfeasible
              ? 'unbounded'
              : 'error';
      return {
        status,
        objective: status === 'optimal' ? model.getObjectiveValue() : NaN,
        x: model.getSolution().colValue,
      };
    });
  }

  /** The largest bound or row violation of `x` (0 when it satisfies every constraint). */
  violation(x: Float64Array): number {
    let worst = 0;
    for (let j = 0; j < this.numCols; j++) {
      worst = Math.max(worst, this.colLower[j] - x[j], x[j] - this.colUpper[j]);
    }
    const activity = new Float64Array(this.numRows);
    this.entries.forEach((column, j) => {
      for (const entry of column) activity[entry.row] += entry.value * x[j];
    });
    for (let i = 0; i < this.numRows; i++) {
      worst = Math.max(worst, this.rowLower[i] - activity[i], activity[i] - this.rowUpper[i]);
    }
    return worst;
  }
}
