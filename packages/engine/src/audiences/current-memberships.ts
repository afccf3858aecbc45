import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';

/** A profile's membership of an audience now, with what a delivery body names. */
export interface CurrentMembership {
  readonly profileId: string;
  readonly audienceId: string;
  readonly audienceName: string;
  /** The purpose the audience requires of its members (null: none). */
  readonly requiredPurpose: string | null;
}

/**
 * Which of these profiles are members of which of these audiences now: for deliveries that
 * follow something other than a membership change (a consent flip).
 */
export async function currentMembershipsOf(
  db: Kysely<Database>,
  workspaceId: string,
  of: { readonly profileIds: readonly string[]; readonly audienceIds: readonly string[] },
): Promise<CurrentMembership[]> {
  const audienceIds = [...new Set(of.audienceIds)];
  if (audienceIds.length === 0 || of.profileIds.length === 0) return [];
  const memberships: CurrentMembership[] = [];
  for (const chunk of chunksOf([...new Set(of.profileIds)])) {
    const rows = await db
      .selectFrom('audience_members')
      .innerJoin('audiences', (join) =>
        join
          .onRef('audiences.workspace_id', '=', 'audience_members.workspace_id')
          .onRef('audiences.audience_id', '=', 'audience_members.audience_id'),
      )
      .select([
        'audience_members.profile_id',
        'audiences.audience_id',
        'audiences.name',
        'audiences.required_purpose',
      ])
      .where('audience_members.workspace_id', '=', workspaceId)
      .where('audience_members.profile_id', 'in', chunk)
      .where('audience_members.audience_id', 'in', audienceIds)
      .where('audience_members.exited_at', 'is', null)
      .orderBy('audience_members.profile_id')
      .orderBy('audiences.audience_id')
      .execute();
    for (const row of rows)
      memberships.push({
        profileId: row.profile_id,
        audienceId: row.audience_id,
        audienceName: row.name,
        requiredPurpose: row.required_purpose ?? null,
      });
  }
  return memberships;
}
