/**
 * The one-time token of an emailed link. Links carry it in the URL fragment (`#token=…`), which
 * browsers never send to a server; `null` when the fragment has none.
 */
export function linkToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim();
  return token ? token : null;
}
