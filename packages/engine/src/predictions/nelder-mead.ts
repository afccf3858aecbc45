/**
 * A small Nelder-Mead minimizer (the downhill simplex of Nelder & Mead 1965, standard coefficients).
 * Our own rather than `fmin`'s: that package ships no types, and its stopping rule reads the wrong
 * option (minTolerance is taken from minErrorDelta), while the CDNOW fit needs a tight, stated one.
 */
export interface MinimizeOptions {
  /** Stop when the simplex's values differ by less than this, relative to the best (1 + |best|). Default 1e-12. */
  readonly valueTolerance?: number | undefined;
  /** Stop when every vertex is within this of the best one. Default 1e-8. */
  readonly pointTolerance?: number | undefined;
  readonly maxIterations?: number | undefined;
}

export interface Minimum {
  readonly point: number[];
  readonly value: number;
  readonly iterations: number;
}

interface Vertex {
  point: number[];
  value: number;
}

/** Minimizes `f` from `start`; non-finite values count as +Infinity. Restarts once from the result. */
export function minimize(
  f: (point: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions = {},
): Minimum {
  const first = simplexDescent(f, start, options);
  // A restart from the found point escapes a simplex that collapsed early (a known NM weakness).
  const second = simplexDescent(f, first.point, options);
  return { ...second, iterations: first.iterations + second.iterations };
}

function simplexDescent(
  f: (point: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions,
): Minimum {
  const valueTolerance = options.valueTolerance ?? 1e-12;
  const pointTolerance = options.pointTolerance ?? 1e-8;
  const dimensions = start.length;
  const maxIterations = options.maxIterations ?? 1000 * dimensions;
  const evaluate = (point: number[]): Vertex => {
    const value = f(point);
    return { point, value: Number.isFinite(value) ? value : Number.POSITIVE_INFINITY };
  };
  const simplex: Vertex[] = [evaluate([...start])];
  for (let i = 0; i < dimensions; i++) {
    const point = [...start];
    point[i] = (point[i] ?? 0) + (point[i] ? 0.1 * Math.abs(point[i] ?? 0) + 0.05 : 0.1);
    simplex.push(evaluate(point));
  }
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    simplex.sort((left, right) => left.value - right.value);
    const best = vertexAt(simplex, 0);
    const worst = vertexAt(simplex, dimensions);
    const spread = Math.max(
      ...simplex.map((v) => Math.max(...v.point.map((x, i) => Math.abs(x - (best.point[i] ?? 0))))),
    );
    const flat = Math.abs(worst.value - best.value) <= valueTolerance * (1 + Math.abs(best.value));
    if (flat && spread <= pointTolerance) break;
    const centroid = new Array<number>(dimensions).fill(0);
    for (const vertex of simplex.slice(0, dimensions))
      for (let i = 0; i < dimensions; i++)
        centroid[i] = (centroid[i] ?? 0) + (vertex.point[i] ?? 0) / dimensions;
    const along = (step: number) => evaluate(centroid.map((c, i) => c + step * (c - (worst.point[i] ?? 0))));
    const reflected = along(1);
    const secondWorst = vertexAt(simplex, dimensions - 1);
    if (reflected.value < best.value) {
      const expanded = along(2);
      simplex[dimensions] = expanded.value < reflected.value ? expanded : reflected;
    } else if (reflected.value < secondWorst.value) {
      simplex[dimensions] = reflected;
    } else {
      const contracted = reflected.value < worst.value ? along(0.5) : along(-0.5);
      if (contracted.value < Math.min(worst.value, reflected.value)) simplex[dimensions] = contracted;
      else
        for (let v = 1; v <= dimensions; v++) {
          const vertex = vertexAt(simplex, v);
          simplex[v] = evaluate(
            vertex.point.map((x, i) => (best.point[i] ?? 0) + 0.5 * (x - (best.point[i] ?? 0))),
          );
        }
    }
  }
  simplex.sort((left, right) => left.value - right.value);
  const best = vertexAt(simplex, 0);
  return { point: best.point, value: best.value, iterations: iteration };
}

function vertexAt(simplex: readonly Vertex[], index: number): Vertex {
  const vertex = simplex[index];
  if (!vertex) throw new Error(`simplex has no vertex ${index}`);
  return vertex;
}
