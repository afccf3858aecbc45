import { describe, expect, it } from 'vitest';
import { inboxViewOf } from './inbox-views';
import { durationUntil } from './ticket-badges';

describe('SLA timers', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  it('say how long until a target, or how long since it passed', () => {
    expect(durationUntil('2026-03-02T10:45:00Z', now)).toBe('in 45 m');
    expect(durationUntil('2026-03-02T13:05:00Z', now)).toBe('in 3 h 5 m');
    expect(durationUntil('2026-03-06T10:00:00Z', now)).toBe('in 4 d');
    expect(durationUntil('2026-03-02T09:30:00Z', now)).toBe('30 m ago');
  });
});

describe('inbox views', () => {
  it('fall back to the open tickets for an unknown view', () => {
    expect(inboxViewOf('mine').filter).toEqual({ view: 'mine', status: 'new,open,pending,on_hold' });
    expect(inboxViewOf('nonsense').value).toBe('open');
    expect(inboxViewOf(null).value).toBe('open');
  });
});
