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
  const negativeLogLikelihood = (logs: readonly number[]) => {
    const params = gammaGammaParamsOf(logs);
    let total = 0;
    for (const customer of repeaters) total += gammaGammaLogLikelihoodOf(params, customer);
    return -total;
  };
  const best = minimize(negativeLogLikelihood, [0, 0, 0]);
  return { params: gammaGammaParamsOf(best.point), logLikelihood: -best.value, customers: repeaters.length };
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
