import type { Deal } from '@tandem/contract';
import type { CrmEvent } from '../crm-events.js';

/** What a deal change says on the timeline of every person on the deal. */
export interface DealChange {
  readonly workspaceId: string;
  readonly deal: Deal;
  readonly actorId: string | null;
  readonly at: string;
}

/** `Deal Created`, once per person on the new deal. */
export function dealCreatedEvents(change: DealChange, stageName: string): CrmEvent[] {
  return perPerson(change, 'Deal Created', `deal-created-${change.deal.id}`, {
    stage: stageName,
    stageId: change.deal.stageId,
  });
}

/** `Deal Stage Changed`: the stay that ended and the one that began (`changeId` names it). */
export function stageChangedEvents(
  change: DealChange,
  move: { changeId: string; fromStageId: string; fromStage: string; toStage: string },
): CrmEvent[] {
  return perPerson(change, 'Deal Stage Changed', `deal-stage-${move.changeId}`, {
    fromStage: move.fromStage,
    toStage: move.toStage,
    fromStageId: move.fromStageId,
    toStageId: change.deal.stageId,
  });
}

/** `Deal Won` or `Deal Lost` (with its reason), when a deal closes. */
export function dealClosedEvents(change: DealChange, stageName: string): CrmEvent[] {
  const won = change.deal.status === 'won';
  return perPerson(
    change,
    won ? 'Deal Won' : 'Deal Lost',
    `deal-${change.deal.status}-${change.deal.id}-${change.at}`,
    {
      stage: stageName,
      ...(won ? {} : { lostReason: change.deal.lostReason }),
    },
  );
}

function perPerson(
  { workspaceId, deal, actorId, at }: DealChange,
  event: string,
  messagePrefix: string,
  extra: Record<string, unknown>,
): CrmEvent[] {
  return deal.people.map((person) => ({
    workspaceId,
    profileId: person.profileId,
    event,
    properties: {
      dealId: deal.id,
      dealName: deal.name,
      pipelineId: deal.pipelineId,
      amount: deal.amount,
      currency: deal.currency,
      role: person.role,
      ...extra,
    },
    actorId,
    at,
    messageId: `${messagePrefix}-${person.profileId}`,
  }));
}
