import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Test fixtures only (not exported from the domain): the CDNOW files shipped beside the checkout.
const CDNOW = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/cdnow');

export interface CdnowSummaryRow {
  readonly id: string;
  readonly frequency: number;
  readonly recency: number;
  readonly age: number;
  readonly monetary: number;
}

/** `cdnow_customers_summary_with_transactions.csv`: ID, x, t_x, T (weeks), zbar. */
export function cdnowSummary(): CdnowSummaryRow[] {
  const lines = readFileSync(resolve(CDNOW, 'cdnow_customers_summary_with_transactions.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  return lines.map((line) => {
    const [id = '', x = '', tx = '', T = '', zbar = ''] = line.split(',');
    return { id, frequency: Number(x), recency: Number(tx), age: Number(T), monetary: Number(zbar) };
  });
}

/** `cdnow_customers_summary.csv`: ID, frequency, recency, T (weeks). */
export function cdnowFrequencySummary() {
  const lines = readFileSync(resolve(CDNOW, 'cdnow_customers_summary.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  return lines.map((line) => {
    const [id = '', frequency = '', recency = '', age = ''] = line.split(',');
    return { id, frequency: Number(frequency), recency: Number(recency), age: Number(age) };
  });
}

export interface CdnowTransaction {
  /** The sample's customer id (1..2357), as in the summary files. */
  readonly customerId: string;
  /** YYYY-MM-DD */
  readonly date: string;
  readonly value: number;
}

/** `CDNOW_sample.txt`: master id, sample id, YYYYMMDD, CDs, dollars. */
export function cdnowTransactions(): CdnowTransaction[] {
  const lines = readFileSync(resolve(CDNOW, 'CDNOW_sample.txt'), 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const [, sampleId = '', date = '', , dollars = ''] = line.trim().split(/\s+/);
    return {
      customerId: String(Number(sampleId)),
      date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
      value: Number(dollars),
    };
  });
}
