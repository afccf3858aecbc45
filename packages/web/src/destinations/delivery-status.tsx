import { Badge } from '@mantine/core';
import type { DeliveryStatus, DeliveryType } from '@tandem/contract';
import { formatPreciseDate } from '../shared/format-date';

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  failed: 'Retrying',
  dead: 'Dead',
  delivered: 'Delivered',
  skipped: 'Skipped',
};

/** What each status means, for tooltips and empty states. */
export const DELIVERY_STATUS_HINTS: Record<DeliveryStatus, string> = {
  pending: 'Waiting for its first send.',
  failed: 'A send failed; it is tried again with backoff.',
  dead: 'Given up after the last attempt; replay it once the destination is fixed.',
  delivered: 'Accepted by the destination.',
  skipped: 'Not sent: the person has not consented, or was deleted.',
};

const STATUS_COLORS: Record<DeliveryStatus, string> = {
  pending: 'blue',
  failed: 'orange',
  dead: 'red',
  delivered: 'teal',
  skipped: 'gray',
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <Badge
      color={STATUS_COLORS[status]}
      variant="light"
      title={DELIVERY_STATUS_HINTS[status]}
      // Table cells shrink to their content's minimum: keep the whole word.
      style={{ minWidth: 'max-content' }}
    >
      {DELIVERY_STATUS_LABELS[status]}
    </Badge>
  );
}

export const DELIVERY_TYPE_LABELS: Record<DeliveryType, string> = {
  event: 'Event',
  'audience.entered': 'Entered audience',
  'audience.exited': 'Exited audience',
  'trait.changed': 'Trait changed',
};

/** A latency in ms as people read it: 85 ms, 1.2 s. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <Badge color="teal" variant="dot" style={{ minWidth: 'max-content' }}>
      Active
    </Badge>
  ) : (
    <Badge color="gray" variant="dot" style={{ minWidth: 'max-content' }}>
      Paused
    </Badge>
  );
}

const TIME_ONLY = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** When a delivery happened: the time alone today (the log is mostly recent), else date and time. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === now.toDateString() ? TIME_ONLY.format(date) : formatPreciseDate(iso);
}
