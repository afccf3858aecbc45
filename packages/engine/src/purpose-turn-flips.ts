import type { AudiencesService } from './audiences/index.js';
import type { ConsentService, PurposeTurn } from './consent/index.js';
import { audiencesNeedingPurpose } from './destinations/index.js';
import { AppError } from './errors/index.js';
import type { Store } from './store/index.js';

// A change of consent configuration (a default switched, a purpose removed or added again) turns
// a purpose for many people at once. Those on the lists of destinations needing the purpose must
// leave them (or come back), as a decision's flip would make them. Fed from three domains: the
// audiences those destinations are subscribed to (destinations), their members now, a page at a
// time (audiences), and the flips for the members the turn reaches (consent). Not everyone in
// the workspace: people on no such list have no list to leave.

/**
 * Members read, and their flips recorded, per transaction: a million-member audience never holds
 * SQLite's write lock for long, and other writers get in between pages.
 */
const PAGE = 2000;

export interface PurposeTurnFlipsDeps {
  readonly store: Store;
  readonly audiences: AudiencesService;
  readonly consent: ConsentService;
  /** Members per page (tests: small pages); PAGE unless given. */
  readonly pageSize?: number | undefined;
}

/** Records the flips these turns make for destinations' audience lists. Answers how many. */
export async function recordPurposeTurnFlips(
  deps: PurposeTurnFlipsDeps,
  workspaceId: string,
  turns: readonly PurposeTurn[],
): Promise<number> {
  let recorded = 0;
  for (const turn of turns) {
    for (const audienceId of await audiencesNeedingPurpose(deps.store.db, workspaceId, turn.purpose)) {
      const audience = await deps.audiences.get(workspaceId, audienceId).catch(orNotFound);
      // An audience requiring the purpose itself is evaluated again: its own exits carry the turn.
      if (audience === undefined || audience.requiredPurpose === turn.purpose) continue;
      let cursor: string | undefined;
      do {
        const page = await deps.audiences
          .members(workspaceId, audienceId, { limit: deps.pageSize ?? PAGE, cursor })
          .catch(orNotFound);
        if (page === undefined) break;
        const profileIds = page.data.map((member) => member.profileId);
        // A person on several of these lists gets one flip while it waits (same cause); taken
        // meanwhile, the second makes deliveries with the same ids, which are not written twice.
        recorded += await deps.consent.recordTurn(workspaceId, turn, profileIds);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    }
  }
  return recorded;
}

/** An audience deleted meanwhile has no list left to change. */
function orNotFound(error: unknown): undefined {
  if (error instanceof AppError && error.code === 'not_found') return undefined;
  throw error;
}
