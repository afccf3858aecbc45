import gammaln from '@stdlib/math-base-special-gammaln';
import type { Fit } from './bgnbd.js';
import { minimize } from './nelder-mead.js';

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005b; Hardie's note 025): each purchase's value is
 * Gamma(p, ν), with ν ~ Gamma(q, γ) across customers. Fitted on repeat customers only.
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** A repeat customer: x repeat purchases with mean value m (the first purchase excluded). */
export interface SpendHistory {
  readonly frequency: number;
  readonly monetary: number;
}

export function gammaGammaLogLikelihoodOf(params: GammaGammaParams, customer: SpendHistory): number {
  const { p, q, gamma } = params;
  const { frequency: x, monetary: m } = customer;
  return (
    gammaln(p * x + q) -
    gammaln(p * x) -
    gammaln(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + m * x)
  );
}

/** Maximum likelihood over log-parameters; customers with no repeat purchase or no positive spend are left out. */
export function fitGammaGamma(customers: readonly SpendHistory[]): Fit<GammaGammaParams> {
  const repeaters = customers.filter((c) => c.frequency > 0 && c.monetary > 0);
  const logLikelihood = groupedLogLikelihood(repeaters);
  const best = minimize((logs) => -logLikelihood(gammaGammaParamsOf(logs)), [0, 0, 0]);
  return { params: gammaGammaParamsOf(best.point), logLikelihood: -best.value, customers: repeaters.length };
}

/**
 * The total log-likelihood arranged for speed: the gamma functions depend on x alone (computed
 * once per distinct x), ln m and ln x are constants. Equal to summing gammaGammaLogLikelihoodOf.
 */
function groupedLogLikelihood(repeaters: readonly SpendHistory[]) {
  const countOfX = new Map<number, number>();
  for (const c of repeaters) countOfX.set(c.frequency, (countOfX.get(c.frequency) ?? 0) + 1);
  const xs = [...countOfX];
  const frequency = Float64Array.from(repeaters, (c) => c.frequency);
  const monetary = Float64Array.from(repeaters, (c) => c.monetary);
  // Σ (px − 1) ln m + px ln x = p Σ x (ln m + ln x) − Σ ln m: two constants.
  let sumXLogs = 0;
  let sumLogM = 0;
  for (const c of repeaters) {
    sumXLogs += c.frequency * (Math.log(c.monetary) + Math.log(c.frequency));
    sumLogM += Math.log(c.monetary);
  }
  return (params: GammaGammaParams): number => {
    const { p, q, gamma } = params;
    let total = repeaters.length * (q * Math.log(gamma) - gammaln(q)) + p * sumXLogs - sumLogM;
    for (const [x, n] of xs) total += n * (gammaln(p * x + q) - gammaln(p * x));
    for (let i = 0; i < frequency.length; i++) {
      const x = frequency[i] ?? 0;
      total -= (p * x + q) * Math.log(gamma + (monetary[i] ?? 0) * x);
    }
    return total;
  };
}

function gammaGammaParamsOf(logs: readonly number[]): GammaGammaParams {
  const [p = 0, q = 0, gamma = 0] = logs.map(Math.exp);
  return { p, q, gamma };
}

/**
 * E[M | x, m]: the expected value of this customer's future purchases, a weighted mean of the
 * population mean pγ/(q−1) and their own mean m (customers without repeats get the population mean).
 */
export function conditionalExpectedSpend(params: GammaGammaParams, customer: SpendHistory): number {
  const { p, q, gamma } = params;
  const x = customer.monetary > 0 ? customer.frequency : 0;
  return (p * (gamma + customer.monetary * x)) / (p * x + q - 1);
}
