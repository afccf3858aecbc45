const formatters = new Map<string, (amount: number) => string>();

/** An amount in its currency, in the reader's locale ("€1,200"); whole units when it has no cents. */
export function formatMoney(amount: number, currency: string): string {
  const key = `${currency}:${Number.isInteger(amount)}`;
  let format = formatters.get(key);
  if (!format) {
    format = formatterOf(currency, Number.isInteger(amount) ? 0 : 2);
    formatters.set(key, format);
  }
  return format(amount);
}

function formatterOf(currency: string, digits: number): (amount: number) => string {
  try {
    const money = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      maximumFractionDigits: digits,
    });
    return (amount) => money.format(amount);
  } catch {
    // A code Intl does not know: the number, then the code.
    const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: digits });
    return (amount) => `${plain.format(amount)} ${currency}`;
  }
}

/** Totals over deals of mixed currencies are shown without a symbol. */
export function formatAmount(amount: number): string {
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(amount);
}
