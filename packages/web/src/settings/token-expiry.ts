const DAY_MS = 24 * 3600 * 1000;

/** The lifetimes offered when creating a token, in days (`null`: it never expires). */
export const TOKEN_EXPIRY_CHOICES = [
  { value: 'never', label: 'Never', days: null },
  { value: '7d', label: '7 days', days: 7 },
  { value: '30d', label: '30 days', days: 30 },
  { value: '90d', label: '90 days', days: 90 },
  { value: '1y', label: '1 year', days: 365 },
] as const;

export type TokenExpiryChoice = (typeof TOKEN_EXPIRY_CHOICES)[number]['value'];

export function isTokenExpiryChoice(value: string | null): value is TokenExpiryChoice {
  return TOKEN_EXPIRY_CHOICES.some((choice) => choice.value === value);
}

/** The `expiresAt` to send for a choice made at `now`; undefined for a token that never expires. */
export function tokenExpiresAt(choice: TokenExpiryChoice, now: Date): string | undefined {
  const days = TOKEN_EXPIRY_CHOICES.find((candidate) => candidate.value === choice)?.days ?? null;
  return days === null ? undefined : new Date(now.getTime() + days * DAY_MS).toISOString();
}

/** Whether a token's expiry has passed at `now`. */
export function tokenExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}
