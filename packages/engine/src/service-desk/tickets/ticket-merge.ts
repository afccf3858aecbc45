import { recordCrmAudit } from '../../crm/index.js';
import { type Store, writeTransaction } from '../../store/index.js';
import type { Actor, TicketChanges } from './ticket-changes.js';
import { unprocessable } from './ticket-errors.js';
import { dealIdsOf } from './ticket-rows.js';
import { insertMessage, uniqueTags } from './ticket-writes.js';

/**
 * Merges duplicates into a survivor in one transaction: their messages and attachments move to
 * it, their tags and deal links are added to it; each duplicate is closed, marked `mergedInto`,
 * with an internal note on both sides.
 */
export async function mergeTickets(
  store: Store,
  changes: TicketChanges,
  input: {
    workspaceId: string;
    survivorId: string;
    duplicateIds: readonly string[];
    actorId: Actor;
    at: string;
  },
): Promise<void> {
  const { workspaceId, survivorId, actorId, at } = input;
  const ids = [...new Set(input.duplicateIds)];
  if (ids.includes(survivorId)) throw unprocessable('ticketIds', 'a ticket cannot be merged into itself');
  await writeTransaction(store, async (trx) => {
    const survivor = await changes.ticketWithin(trx, workspaceId, survivorId, true);
    if (survivor.mergedInto !== null)
      throw unprocessable('id', `${survivorId} was merged into ${survivor.mergedInto}`);
    let tags = survivor.tags;
    for (const duplicateId of ids) {
      const duplicate = await changes.ticketWithin(trx, workspaceId, duplicateId, true).catch(() => {
        throw unprocessable('ticketIds', `no ticket ${duplicateId}`);
      });
      if (duplicate.mergedInto !== null)
        throw unprocessable('ticketIds', `${duplicateId} was already merged into ${duplicate.mergedInto}`);
      for (const table of ['ticket_messages', 'ticket_attachments'] as const)
        await trx
          .updateTable(table)
          .set({ ticket_id: survivorId })
          .where('workspace_id', '=', workspaceId)
          .where('ticket_id', '=', duplicateId)
          .execute();
      const links = await dealIdsOf(trx, workspaceId, duplicateId);
      await changes.linkDeals(trx, workspaceId, survivorId, links, at);
      tags = uniqueTags([...tags, ...duplicate.tags]);
      await insertMessage(trx, {
        workspaceId,
        ticketId: duplicateId,
        isPublic: false,
        author: { type: 'agent', id: actorId, email: null },
        channel: 'web',
        body: `Merged into ticket #${survivor.number}: its conversation continues there.`,
        attachments: [],
        at,
      });
      await insertMessage(trx, {
        workspaceId,
        ticketId: survivorId,
        isPublic: false,
        author: { type: 'agent', id: actorId, email: null },
        channel: 'web',
        body: `Ticket #${duplicate.number} (“${duplicate.subject}”) was merged into this one.`,
        attachments: [],
        at,
      });
      await changes.applyWithin(trx, {
        workspaceId,
        ticketId: duplicateId,
        change: { status: 'closed', mergedInto: survivorId },
        actorId,
        at,
      });
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'ticket',
          entityId: survivorId,
          action: 'merge',
          profileId: survivor.profileId,
          before: duplicate,
          at,
        },
      ]);
    }
    await changes.applyWithin(trx, {
      workspaceId,
      ticketId: survivorId,
      change: { tags },
      actorId,
      at,
      touch: true,
    });
  });
}
