import type { RetentionPolicies, RetentionRemoved } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { removeActivitiesBefore } from '../crm/index.js';
import { removeEventsBefore } from '../log/index.js';
import { removeClosedTicketsBefore } from '../service-desk/tickets/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';

/** The label of the default event policy in a run's report. */
export const ALL_OTHER_EVENTS = '(all other events)';

export interface RetentionPassDeps {
  readonly store: Store;
  readonly workspaceId: string;
  readonly now: number;
  /** Rows per transaction. */
  readonly batchSize: number;
  /** The audit log's own pruning (its chain is the audit domain's to keep). */
  readonly pruneAudit: (options: { workspaceId: string; before: string; limit: number }) => Promise<number>;
}

const cutoffOf = (now: number, days: number) => new Date(now - days * 86_400_000).toISOString();

/** Lets other work (ingestion, API writes) take the write lock between two batches. */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Calls `removeBatch` until a batch removes fewer than the batch size; the total removed. */
async function inBatches(batchSize: number, removeBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await removeBatch();
    total += removed;
    if (removed < batchSize) return total;
    await yieldTurn();
  }
}

/** One workspace's pass over its policies: what each removed. */
export async function runRetentionPass(
  deps: RetentionPassDeps,
  policies: RetentionPolicies,
): Promise<RetentionRemoved> {
  const { store, workspaceId, batchSize } = deps;
  const inTransaction = (work: (trx: Kysely<Database>) => Promise<number>) => writeTransaction(store, work);
  const removed: RetentionRemoved = { events: {}, crmActivities: 0, closedTickets: 0, auditEntries: 0 };
  const named = policies.events.flatMap((policy) => (policy.event === null ? [] : [policy.event]));
  for (const policy of policies.events) {
    const before = cutoffOf(deps.now, policy.days);
    removed.events[policy.event ?? ALL_OTHER_EVENTS] = await inBatches(batchSize, () =>
      inTransaction((trx) =>
        removeEventsBefore(trx, {
          workspaceId,
          before,
          event: policy.event,
          exceptEvents: policy.event === null ? named : undefined,
          limit: batchSize,
        }),
      ),
    );
  }
  if (policies.crmActivitiesDays !== null) {
    const before = cutoffOf(deps.now, policies.crmActivitiesDays);
    removed.crmActivities = await inBatches(batchSize, () =>
      inTransaction((trx) => removeActivitiesBefore(trx, { workspaceId, before, limit: batchSize })),
    );
  }
  if (policies.closedTicketsDays !== null) {
    const before = cutoffOf(deps.now, policies.closedTicketsDays);
    // Tickets take their messages and emails with them: fewer per batch.
    const ticketBatch = Math.max(1, Math.floor(batchSize / 10));
    removed.closedTickets = await inBatches(ticketBatch, () =>
      inTransaction((trx) => removeClosedTicketsBefore(trx, { workspaceId, before, limit: ticketBatch })),
    );
  }
  if (policies.auditLogDays !== null) {
    const before = cutoffOf(deps.now, policies.auditLogDays);
    removed.auditEntries = await inBatches(batchSize, () =>
      deps.pruneAudit({ workspaceId, before, limit: batchSize }),
    );
  }
  return removed;
}
