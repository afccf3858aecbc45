import { describe, expect, it } from 'vitest';
import { demoCalls } from './demo-workspace.js';

describe('the demo workspace', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const calls = [...demoCalls({ people: 300, seed: 7, now })];

  it('is deterministic for a seed', () => {
    expect([...demoCalls({ people: 300, seed: 7, now })]).toEqual(calls);
  });

  it('has anonymous browsing that later identifies, companies, orders and support', () => {
    const types = new Set(calls.map((c) => (c.type === 'track' ? c.event : c.type)));
    for (const kind of [
      'page',
      'identify',
      'group',
      'Product Viewed',
      'Order Completed',
      'Support Ticket Opened',
    ]) {
      expect(types, String(kind)).toContain(kind);
    }
    const linking = calls.filter((c) => c.type === 'identify' && c.userId && c.anonymousId);
    expect(linking.length).toBeGreaterThan(100);
    const devicesPerUser = new Map<unknown, Set<unknown>>();
    for (const c of linking)
      devicesPerUser.set(c.userId, (devicesPerUser.get(c.userId) ?? new Set()).add(c.anonymousId));
    expect([...devicesPerUser.values()].some((devices) => devices.size > 1)).toBe(true);
  });

  it('keeps every timestamp in the past', () => {
    expect(calls.every((c) => Date.parse(c.timestamp) < now.getTime())).toBe(true);
  });
});
