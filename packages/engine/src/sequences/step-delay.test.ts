import { describe, expect, it } from 'vitest';
import { dueAfter } from './step-delay.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('a sequence step’s due time', () => {
  it('adds the delay as it is written', () => {
    expect(iso(dueAfter(at('2026-12-04T10:00:00Z'), '0s', false))).toBe('2026-12-04T10:00:00.000Z');
    expect(iso(dueAfter(at('2026-12-04T10:00:00Z'), '90m', false))).toBe('2026-12-04T11:30:00.000Z');
    expect(iso(dueAfter(at('2026-12-04T10:00:00Z'), '2d', false))).toBe('2026-12-06T10:00:00.000Z');
  });

  it('counts business days Monday to Friday and moves weekend steps to Monday', () => {
    // Friday + 1 business day = Monday; + 1 week = the next Friday.
    expect(iso(dueAfter(at('2026-12-04T10:00:00Z'), '1d', true))).toBe('2026-12-07T10:00:00.000Z');
    expect(iso(dueAfter(at('2026-12-04T10:00:00Z'), '1w', true))).toBe('2026-12-11T10:00:00.000Z');
    // Saturday + 0s: Monday, same time.
    expect(iso(dueAfter(at('2026-12-05T09:00:00Z'), '0s', true))).toBe('2026-12-07T09:00:00.000Z');
    expect(iso(dueAfter(at('2026-12-04T23:00:00Z'), '2h', true))).toBe('2026-12-07T01:00:00.000Z');
  });
});
