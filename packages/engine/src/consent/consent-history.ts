import {
  CONSENT_SOURCE_KINDS,
  type ConsentDecision,
  type ConsentHistoryQuery,
  type ConsentOverview,
  type ConsentPurpose,
  type ConsentSourceKind,
  NECESSARY_PURPOSE,
  type RecentConsentDecision,
} from '@tandem/contract';
import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../errors/index.js';
import type { Database } from '../store/index.js';

/** A stored decision as the API shows it: what, when, how (source) and the proof. */
export function decisionOf(row: Selectable<Database['consent_decisions']>): ConsentDecision {
  return {
    id: row.decision_id,
    category: row.category,
    purpose: row.purpose,
    granted: Number(row.granted) === 1,
    decidedAt: row.decided_at,
    recordedAt: row.recorded_at,
    source: {
      kind: sourceKindOf(row.source_kind),
      eventId: row.event_id,
      sourceId: row.source_id,
      principal: row.principal,
      note: row.note,
    },
    proof: {
      ip: row.ip,
      userAgent: row.user_agent,
      wording: row.wording,
      wordingVersion: row.wording_version,
    },
  };
}

function sourceKindOf(stored: string): ConsentSourceKind {
  // Written by this domain from the same list; anything else is an old API row.
  return (CONSENT_SOURCE_KINDS as readonly string[]).includes(stored) ? (stored as ConsentSourceKind) : 'api';
}

/**
 * One page of a live profile's decisions, newest first (by when they were made; ties by id).
 * The cursor is the last decision's time and id, so pages stay stable while decisions arrive.
 */
export async function historyPage(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
  query: ConsentHistoryQuery,
): Promise<{ data: ConsentDecision[]; nextCursor: string | null }> {
  let select = db
    .selectFrom('consent_decisions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .orderBy('decided_at', 'desc')
    .orderBy('decision_id', 'desc')
    .limit(query.limit + 1);
  if (query.purpose !== undefined) select = select.where('purpose', '=', query.purpose);
  if (query.cursor !== undefined) {
    const { decidedAt, decisionId } = parseCursor(query.cursor);
    select = select.where((eb) =>
      eb.or([
        eb('decided_at', '<', decidedAt),
        eb.and([eb('decided_at', '=', decidedAt), eb('decision_id', '<', decisionId)]),
      ]),
    );
  }
  const rows = await select.execute();
  const data = rows.slice(0, query.limit).map(decisionOf);
  const last = data.at(-1);
  return {
    data,
    nextCursor: rows.length > query.limit && last ? `${last.decidedAt}~${last.id}` : null,
  };
}

function parseCursor(cursor: string): { decidedAt: string; decisionId: string } {
  const [decidedAt, decisionId] = cursor.split('~');
  if (!decidedAt || !decisionId || Number.isNaN(Date.parse(decidedAt)))
    throw new AppError('validation_failed', 'Invalid cursor: not a nextCursor of this list', {
      details: [{ path: 'cursor', message: 'not a nextCursor of this list' }],
    });
  return { decidedAt, decisionId };
}

/** Per purpose, how many people's latest decision grants or refuses it; the latest decisions recorded. */
export async function overviewOf(
  db: Kysely<Database>,
  workspaceId: string,
  purposes: readonly ConsentPurpose[],
  recentLimit = 20,
): Promise<ConsentOverview> {
  const counts = await db
    .selectFrom('consent_states')
    .select(['purpose', 'granted', (eb) => eb.fn.countAll<number | string>().as('people')])
    .where('workspace_id', '=', workspaceId)
    .groupBy(['purpose', 'granted'])
    .execute();
  const countOf = (purpose: string, granted: boolean) =>
    Number(counts.find((c) => c.purpose === purpose && Number(c.granted) === (granted ? 1 : 0))?.people ?? 0);
  const recent = await db
    .selectFrom('consent_decisions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('recorded_at', 'desc')
    .orderBy('decision_id', 'desc')
    .limit(recentLimit)
    .execute();
  return {
    // Necessary is granted by everyone, whatever they decided: nothing to count.
    purposes: purposes
      .filter((p) => p.key !== NECESSARY_PURPOSE)
      .map((p) => ({
        key: p.key,
        label: p.label,
        granted: countOf(p.key, true),
        withdrawn: countOf(p.key, false),
      })),
    recent: recent.map((row): RecentConsentDecision => ({ ...decisionOf(row), profileId: row.profile_id })),
  };
}
