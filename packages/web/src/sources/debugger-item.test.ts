import type { StoredEvent, StoredRejection } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { eventItem, mergeDebuggerItems, rejectionItem } from './debugger-item';

function storedEvent(id: string, receivedAt: string): StoredEvent {
  return {
    id,
    seq: 1,
    sourceId: 'src_1',
    messageId: id,
    type: 'track',
    event: 'Signed Up',
    userId: 'u1',
    anonymousId: null,
    timestamp: receivedAt,
    originalTimestamp: null,
    sentAt: null,
    receivedAt,
    payload: {},
  };
}

const rejection: StoredRejection = {
  seq: 7,
  sourceId: 'src_1',
  code: 'missing_field',
  message: '`event` is required',
  payload: { type: 'track' },
  receivedAt: '2026-01-01T00:00:02.000Z',
};

describe('mergeDebuggerItems', () => {
  it('keeps one row per event seen both live and in the seed, newest first', () => {
    const live = [eventItem(storedEvent('evt_2', '2026-01-01T00:00:03.000Z'))];
    const seed = [
      eventItem(storedEvent('evt_2', '2026-01-01T00:00:03.000Z')),
      eventItem(storedEvent('evt_1', '2026-01-01T00:00:01.000Z')),
    ];
    const merged = mergeDebuggerItems([live, seed, [rejectionItem(rejection)]], 10);
    expect(merged.map((item) => item.key)).toEqual([
      'event:evt_2',
      expect.stringMatching(/^rejection:7:/),
      'event:evt_1',
    ]);
  });

  it('stops at the row limit', () => {
    const seed = ['evt_1', 'evt_2', 'evt_3'].map((id, i) =>
      eventItem(storedEvent(id, `2026-01-01T00:00:0${i}.000Z`)),
    );
    expect(mergeDebuggerItems([seed], 2).map((item) => item.key)).toEqual(['event:evt_3', 'event:evt_2']);
  });
});
