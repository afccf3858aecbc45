import { Badge } from '@mantine/core';
import type { TicketPriority, TicketSla, TicketStatus } from '@tandem/contract';
import { PRIORITY_COLORS, PRIORITY_LABELS, STATUS_COLORS, STATUS_LABELS } from './tickets-api';

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light">
      {STATUS_LABELS[status]}
    </Badge>
  );
}

export function TicketPriorityBadge({ priority }: { priority: TicketPriority }) {
  return (
    <Badge color={PRIORITY_COLORS[priority]} variant={priority === 'urgent' ? 'filled' : 'outline'}>
      {PRIORITY_LABELS[priority]}
    </Badge>
  );
}

/** The next SLA target of a ticket: breached, at risk, or due in some time. */
export function SlaBadge({ sla, now = Date.now() }: { sla: TicketSla | null; now?: number }) {
  if (!sla) return null;
  if (sla.breached.length > 0)
    return (
      <Badge color="red" variant="filled" title={sla.explanation.join('\n')}>
        SLA breached
      </Badge>
    );
  const due = [sla.firstResponseDueAt, sla.nextResponseDueAt, sla.resolutionDueAt]
    .filter((d): d is string => d !== null)
    .sort()[0];
  if (!due) return null;
  return (
    <Badge
      color={sla.atRisk ? 'orange' : 'teal'}
      variant="light"
      tt="none"
      title={sla.explanation.join('\n')}
    >
      {sla.atRisk ? 'At risk · ' : ''}due {durationUntil(due, now)}
    </Badge>
  );
}

export function durationUntil(iso: string, now: number): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  const abs = Math.abs(minutes);
  const text =
    abs < 60
      ? `${abs} m`
      : abs < 48 * 60
        ? `${Math.floor(abs / 60)} h ${abs % 60} m`
        : `${Math.floor(abs / 1440)} d`;
  return minutes < 0 ? `${text} ago` : `in ${text}`;
}
