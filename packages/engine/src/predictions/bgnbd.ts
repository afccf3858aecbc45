import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { minimize } from './nelder-mead.js';

/**
 * BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys at Poisson rate λ ~ Gamma(r, α);
 * after each purchase they drop out with probability p ~ Beta(a, b).
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** One customer's history: x repeat purchases, the last at t_x, observed for T (all from the first purchase). */
export interface PurchaseHistory {
  readonly frequency: number;
  readonly recency: number;
  readonly age: number;
}

/** The log-likelihood of one customer's history (equation 6 of the paper, in logs). */
export function bgNbdLogLikelihoodOf(params: BgNbdParams, customer: PurchaseHistory): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency: tx, age: T } = customer;
  const common = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x) - betaln(a, b);
  const survived = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + survived;
  const droppedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logSumExp(survived, droppedAfterLast);
}

export function bgNbdLogLikelihood(params: BgNbdParams, customers: readonly PurchaseHistory[]): number {
  let total = 0;
  for (const customer of customers) total += bgNbdLogLikelihoodOf(params, customer);
  return total;
}

export interface Fit<Params> {
  readonly params: Params;
  readonly logLikelihood: number;
  readonly customers: number;
}

/** Maximum likelihood over log-parameters (keeps all four positive), from r = α = a = b = 1. */
export function fitBgNbd(customers: readonly PurchaseHistory[]): Fit<BgNbdParams> {
  const negativeLogLikelihood = groupedLogLikelihood(customers);
  const best = minimize((logs) => -negativeLogLikelihood(bgNbdParamsOf(logs)), [0, 0, 0, 0]);
  return { params: bgNbdParamsOf(best.point), logLikelihood: -best.value, customers: customers.length };
}

/**
 * The total log-likelihood as a function of the parameters, arranged for speed (100,000 customers
 * in a few seconds): equal histories share a term, and the gamma / beta functions, which depend
 * on x alone, are computed once per distinct x. Equal to summing bgNbdLogLikelihoodOf.
 */
function groupedLogLikelihood(customers: readonly PurchaseHistory[]) {
  const groups = groupHistories(customers);
  const countOfX = new Map<number, number>();
  for (const { history, count } of groups)
    countOfX.set(history.frequency, (countOfX.get(history.frequency) ?? 0) + count);
  const xs = [...countOfX];
  const frequency = Float64Array.from(groups, (g) => g.history.frequency);
  const recency = Float64Array.from(groups, (g) => g.history.recency);
  const age = Float64Array.from(groups, (g) => g.history.age);
  const count = Float64Array.from(groups, (g) => g.count);
  return (params: BgNbdParams): number => {
    const { r, alpha, a, b } = params;
    let total = 0;
    const logDropOdds = new Map<number, number>();
    for (const [x, n] of xs) {
      total += n * (gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x) - betaln(a, b));
      if (x > 0) logDropOdds.set(x, Math.log(a) - Math.log(b + x - 1));
    }
    for (let i = 0; i < count.length; i++) {
      const x = frequency[i] ?? 0;
      const survived = -(r + x) * Math.log(alpha + (age[i] ?? 0));
      const term =
        x === 0
          ? survived
          : logSumExp(survived, (logDropOdds.get(x) ?? 0) - (r + x) * Math.log(alpha + (recency[i] ?? 0)));
      total += (count[i] ?? 0) * term;
    }
    return total;
  };
}

function bgNbdParamsOf(logs: readonly number[]): BgNbdParams {
  const [r = 0, alpha = 0, a = 0, b = 0] = logs.map(Math.exp);
  return { r, alpha, a, b };
}

/** P(alive | x, t_x, T): the chance the customer has not dropped out by the end of observation. */
export function probabilityAlive(params: BgNbdParams, customer: PurchaseHistory): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency: tx, age: T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units (equation 10 of the paper). */
export function conditionalExpectedPurchases(
  params: BgNbdParams,
  customer: PurchaseHistory,
  t: number,
): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, age: T } = customer;
  const z = t / (alpha + T + t);
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const notYet = Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)));
  const whileAlive = ((a + b + x - 1) / (a - 1)) * (1 - notYet * hyp);
  return whileAlive * probabilityAlive(params, customer);
}

/** E[X(t)]: expected purchases of a new customer within t of their first (equation 9 of the paper). */
export function expectedPurchasesOfNewCustomer(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  const hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp);
}

function logSumExp(left: number, right: number): number {
  const top = Math.max(left, right);
  return top + Math.log(Math.exp(left - top) + Math.exp(right - top));
}

/** Identical histories, counted once each. */
export function groupHistories<History extends PurchaseHistory>(customers: readonly History[]) {
  const groups = new Map<string, { history: History; count: number }>();
  for (const customer of customers) {
    const key = `${customer.frequency}|${customer.recency}|${customer.age}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { history: customer, count: 1 });
  }
  return [...groups.values()];
}
