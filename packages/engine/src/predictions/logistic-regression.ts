/**
 * L2-regularized logistic regression on standardized features, fitted by Newton's method (the
 * problem is small: a few dozen features, thousands of closed deals). Weights are per standard
 * deviation, so they compare across features; the intercept is not penalized.
 */
export interface LogisticModel {
  readonly features: readonly string[];
  readonly means: readonly number[];
  readonly scales: readonly number[];
  readonly intercept: number;
  readonly weights: readonly number[];
}

export interface TrainingRow {
  readonly values: readonly number[];
  readonly won: boolean;
}

export function trainLogistic(
  features: readonly string[],
  rows: readonly TrainingRow[],
  penalty = 1,
): LogisticModel {
  const width = features.length;
  const means = features.map((_, j) => mean(rows.map((row) => row.values[j] ?? 0)));
  const scales = features.map((_, j) => {
    const sd = Math.sqrt(mean(rows.map((row) => ((row.values[j] ?? 0) - (means[j] ?? 0)) ** 2)));
    return sd > 0 ? sd : 1;
  });
  const design = rows.map((row) => [
    1,
    ...features.map((_, j) => ((row.values[j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1)),
  ]);
  const outcomes = rows.map((row) => (row.won ? 1 : 0));
  let beta = new Array<number>(width + 1).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Array<number>(width + 1).fill(0);
    const hessian = Array.from({ length: width + 1 }, () => new Array<number>(width + 1).fill(0));
    design.forEach((x, i) => {
      const p = sigmoid(dot(beta, x));
      const weight = p * (1 - p);
      for (let j = 0; j <= width; j++) {
        gradient[j] = (gradient[j] ?? 0) + ((outcomes[i] ?? 0) - p) * (x[j] ?? 0);
        const hessianRow = hessian[j] ?? [];
        for (let k = 0; k <= width; k++)
          hessianRow[k] = (hessianRow[k] ?? 0) + weight * (x[j] ?? 0) * (x[k] ?? 0);
      }
    });
    for (let j = 1; j <= width; j++) {
      gradient[j] = (gradient[j] ?? 0) - penalty * (beta[j] ?? 0);
      const hessianRow = hessian[j] ?? [];
      hessianRow[j] = (hessianRow[j] ?? 0) + penalty;
    }
    const step = solve(hessian, gradient);
    beta = beta.map((b, j) => b + (step[j] ?? 0));
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return { features, means, scales, intercept: beta[0] ?? 0, weights: beta.slice(1) };
}

/** The predicted chance of winning for raw (unstandardized) feature values. */
export function predictWin(model: LogisticModel, values: readonly number[]): number {
  let z = model.intercept;
  model.weights.forEach((w, j) => {
    z += (w * ((values[j] ?? 0) - (model.means[j] ?? 0))) / (model.scales[j] ?? 1);
  });
  return sigmoid(z);
}

/** Predicted against actual win rate in ten equal-count bands of prediction (1 = lowest). */
export function calibrationByDecile(predictions: readonly { predicted: number; won: boolean }[]) {
  const sorted = [...predictions].sort((a, b) => a.predicted - b.predicted);
  const rows: { decile: number; people: number; predicted: number; actual: number }[] = [];
  for (let decile = 1; decile <= 10; decile++) {
    const band = sorted.slice(
      Math.floor(((decile - 1) * sorted.length) / 10),
      Math.floor((decile * sorted.length) / 10),
    );
    if (band.length === 0) continue;
    rows.push({
      decile,
      people: band.length,
      predicted: mean(band.map((p) => p.predicted)),
      actual: band.filter((p) => p.won).length / band.length,
    });
  }
  return rows;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function dot(left: readonly number[], right: readonly number[]): number {
  return left.reduce((sum, value, i) => sum + value * (right[i] ?? 0), 0);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(a[row]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = row;
    [a[col], a[pivot]] = [a[pivot] ?? [], a[col] ?? []];
    const top = a[col] ?? [];
    const lead = top[col] ?? 1;
    for (let row = col + 1; row < n; row++) {
      const current = a[row] ?? [];
      const factor = (current[col] ?? 0) / lead;
      for (let k = col; k <= n; k++) current[k] = (current[k] ?? 0) - factor * (top[k] ?? 0);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    const current = a[row] ?? [];
    let sum = current[n] ?? 0;
    for (let k = row + 1; k < n; k++) sum -= (current[k] ?? 0) * (x[k] ?? 0);
    x[row] = sum / (current[row] ?? 1);
  }
  return x;
}
