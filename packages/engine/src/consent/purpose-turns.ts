import { NECESSARY_PURPOSE } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';
import { recordFlips } from './consent-changes.js';
import type { ConsentConfiguration } from './consent-purposes.js';

/**
 * A purpose whose effective state turned for many people at once, by a change of configuration:
 * its default changed (the purpose's own, or the workspace's it follows), or it was removed (no
 * one grants it) or added again. Only those the turn reaches flip: people with no decision on it
 * (`undecided`) and, for a removal or an addition, people whose decision grants it (`granting`).
 */
export interface PurposeTurn {
  readonly purpose: string;
  /** What the people it reaches grant now. */
  readonly granted: boolean;
  readonly undecided: boolean;
  readonly granting: boolean;
  /**
   * The flips' cause, the same for every person the turn reaches: `default:<purpose>:<at>:<state>`
   * (`purpose:` for a removal or an addition). The state after keeps two changes made within the
   * same millisecond apart.
   */
  readonly key: string;
  /** When the configuration changed. */
  readonly at: string;
}

/**
 * The purposes whose effective state turns between two configurations of a workspace, for
 * someone. A purpose's own default wins over the workspace's; a purpose not defined is granted by
 * no one, whatever was decided; `necessary` never turns.
 */
export function purposeTurns(
  before: ConsentConfiguration,
  after: ConsentConfiguration,
  at: string,
): PurposeTurn[] {
  const keys = new Set([...before.purposes, ...after.purposes].map((p) => p.key));
  keys.delete(NECESSARY_PURPOSE);
  const turns: PurposeTurn[] = [];
  for (const purpose of keys) {
    const was = policyOf(before, purpose);
    const is = policyOf(after, purpose);
    const undecided = was.grantsUndecided !== is.grantsUndecided;
    const granting = was.defined !== is.defined;
    if (!undecided && !granting) continue;
    // Both turn only where the purpose went or came: then both end where its definition does.
    const granted = granting ? is.defined : is.grantsUndecided;
    const cause = granting ? 'purpose' : 'default';
    const key = `${cause}:${purpose}:${at}:${granted ? 'granted' : 'refused'}`;
    turns.push({ purpose, granted, undecided, granting, key, at });
  }
  return turns;
}

function policyOf(configuration: ConsentConfiguration, purpose: string) {
  const defined = configuration.purposes.find((p) => p.key === purpose);
  if (defined === undefined) return { defined: false, grantsUndecided: false };
  return { defined: true, grantsUndecided: (defined.defaultMode ?? configuration.defaultMode) === 'opt-out' };
}

/**
 * In the caller's transaction: of these profiles, those a turn reaches (no decision on the
 * purpose, or one granting it, as the turn says) get a flip kept for destinations, as a decision's
 * would. The caller passes a bounded chunk (a page of an audience's members). Answers how many.
 */
export async function recordTurnFlips(
  db: Kysely<Database>,
  workspaceId: string,
  input: { readonly turn: PurposeTurn; readonly profileIds: readonly string[] },
): Promise<number> {
  const { turn } = input;
  const profileIds = [...new Set(input.profileIds)];
  const decided = new Map<string, boolean>();
  for (const chunk of chunksOf(profileIds)) {
    const standings = await db
      .selectFrom('consent_states')
      .select(['profile_id', 'granted'])
      .where('workspace_id', '=', workspaceId)
      .where('purpose', '=', turn.purpose)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const standing of standings) decided.set(standing.profile_id, Number(standing.granted) === 1);
  }
  const reached = profileIds.filter((profileId) => {
    const granted = decided.get(profileId);
    return granted === undefined ? turn.undecided : granted && turn.granting;
  });
  await recordFlips(
    db,
    reached.map((profileId) => ({
      workspaceId,
      profileId,
      purpose: turn.purpose,
      granted: turn.granted,
      key: turn.key,
      // No one decided: the change is the cause, and when it happened is when it was learnt.
      decidedAt: turn.at,
      recordedAt: turn.at,
    })),
  );
  return reached.length;
}
