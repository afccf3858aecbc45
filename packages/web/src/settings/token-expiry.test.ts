import { describe, expect, it } from 'vitest';
import { isTokenExpiryChoice, tokenExpired, tokenExpiresAt } from './token-expiry';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('tokenExpiresAt', () => {
  it('sends no expiry for a token that never expires', () => {
    expect(tokenExpiresAt('never', NOW)).toBeUndefined();
  });

  it('counts whole days from now', () => {
    expect(tokenExpiresAt('7d', NOW)).toBe('2026-03-08T12:00:00.000Z');
    expect(tokenExpiresAt('30d', NOW)).toBe('2026-03-31T12:00:00.000Z');
    expect(tokenExpiresAt('90d', NOW)).toBe('2026-05-30T12:00:00.000Z');
    expect(tokenExpiresAt('1y', NOW)).toBe('2027-03-01T12:00:00.000Z');
  });
});

describe('isTokenExpiryChoice', () => {
  it('knows the offered choices only', () => {
    expect(isTokenExpiryChoice('30d')).toBe(true);
    expect(isTokenExpiryChoice('2d')).toBe(false);
    expect(isTokenExpiryChoice(null)).toBe(false);
  });
});

describe('tokenExpired', () => {
  it('is true once the expiry has passed, never for a token without one', () => {
    expect(tokenExpired(null, NOW)).toBe(false);
    expect(tokenExpired('2026-03-01T11:59:59.000Z', NOW)).toBe(true);
    expect(tokenExpired('2026-03-01T12:00:01.000Z', NOW)).toBe(false);
  });
});
