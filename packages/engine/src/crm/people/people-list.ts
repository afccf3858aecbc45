import {
  type PeopleListQuery,
  type PersonSummary,
  type ProfileSummary,
  parseListSort,
} from '@tandem/contract';
import type { IdentityService } from '../../identity/index.js';
import { type ProfilesService, peoplePage } from '../../profiles/index.js';
import { keysetCursorOf, keysetPositionOf, type Store } from '../../store/index.js';
import { crmPersonConditions } from './people-view.js';
import { type PersonRecord, personRecordOf } from './person-records.js';

/**
 * The contacts list: live profiles with their CRM columns. Without a CRM filter it pages through
 * profiles (optionally matching `q`); with one it pages through CRM records, each checked again
 * on its live profile's view (a merged-away record no longer speaks for the person).
 */
export async function listPeople(
  deps: { store: Store; identity: IdentityService; profiles: ProfilesService },
  workspaceId: string,
  query: PeopleListQuery,
  reader: { actorId: string | null },
): Promise<{ data: PersonSummary[]; nextCursor: string | null }> {
  const ownerId = query.ownerId === 'me' ? (reader.actorId ?? '') : query.ownerId;
  const filtered =
    ownerId !== undefined ||
    query.lifecycleStage !== undefined ||
    query.leadStatus !== undefined ||
    query.tag !== undefined;
  const recordOf = async (liveId: string) =>
    (await personRecordOf(deps.store.db, deps.identity, workspaceId, liveId)).record;
  if (query.sort !== undefined) {
    // Sorted: one query over live profiles, the CRM criteria as conditions on each, the search
    // as a trait prefix; the cursor is the last row's sort key and id.
    const sort = parseListSort(query.sort);
    const rows = await peoplePage(
      deps.store,
      workspaceId,
      {
        filters: query.q === undefined ? [] : [{ field: 'q', operator: 'starts_with', value: query.q }],
        sort,
        where: crmPersonConditions(workspaceId, { ...query, ownerId }),
      },
      {
        limit: query.limit + 1,
        position: query.cursor === undefined ? undefined : keysetPositionOf(query.cursor),
      },
    );
    const page = rows.slice(0, query.limit);
    const summaries = new Map(
      (
        await deps.profiles.summariesOf(
          workspaceId,
          page.map((row) => row.profileId),
        )
      ).map((s) => [s.id, s]),
    );
    const records = await Promise.all(page.map((row) => recordOf(row.profileId)));
    const last = page.at(-1);
    return {
      data: page.flatMap((row, i) => {
        const summary = summaries.get(row.profileId);
        return summary ? [summaryOf(summary, records[i])] : [];
      }),
      nextCursor:
        rows.length > query.limit && last ? keysetCursorOf({ key: last.key, id: last.profileId }) : null,
    };
  }
  if (!filtered) {
    const page = await deps.profiles.list(workspaceId, query);
    const records = await Promise.all(page.data.map((summary) => recordOf(summary.id)));
    return {
      data: page.data.map((summary, i) => summaryOf(summary, records[i])),
      nextCursor: page.nextCursor,
    };
  }
  let select = deps.store.db
    .selectFrom('crm_people')
    .select('profile_id')
    .where('workspace_id', '=', workspaceId)
    .orderBy('profile_id')
    .limit(query.limit + 1);
  if (ownerId !== undefined) select = select.where('owner_id', '=', ownerId);
  if (query.lifecycleStage !== undefined) select = select.where('lifecycle_stage', '=', query.lifecycleStage);
  if (query.leadStatus !== undefined) select = select.where('lead_status', '=', query.leadStatus);
  if (query.tag !== undefined) select = select.where('tags', 'like', `%${JSON.stringify(query.tag)}%`);
  if (query.cursor !== undefined) select = select.where('profile_id', '>', query.cursor);
  const rows = await select.execute();
  const page = rows.slice(0, query.limit);
  const liveIds = new Set<string>();
  for (const row of page) {
    const liveId = await deps.identity.resolveProfileId(workspaceId, row.profile_id);
    if (liveId !== undefined) liveIds.add(liveId);
  }
  const matching: { liveId: string; record: PersonRecord }[] = [];
  for (const liveId of liveIds) {
    const record = await recordOf(liveId);
    const matches =
      (ownerId === undefined || record.ownerId === ownerId) &&
      (query.lifecycleStage === undefined || record.lifecycleStage === query.lifecycleStage) &&
      (query.leadStatus === undefined || record.leadStatus === query.leadStatus) &&
      (query.tag === undefined || record.tags.includes(query.tag));
    if (matches) matching.push({ liveId, record });
  }
  const summaries = new Map(
    (
      await deps.profiles.summariesOf(
        workspaceId,
        matching.map((m) => m.liveId),
      )
    ).map((s) => [s.id, s]),
  );
  const data = matching.flatMap(({ liveId, record }) => {
    const summary = summaries.get(liveId);
    return summary ? [summaryOf(summary, record)] : [];
  });
  return { data, nextCursor: rows.length > query.limit ? (page.at(-1)?.profile_id ?? null) : null };
}

function summaryOf(summary: ProfileSummary, record: PersonRecord | undefined): PersonSummary {
  const traits = summary.traits;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null);
  const fullName = [text(traits.firstName ?? traits.first_name), text(traits.lastName ?? traits.last_name)]
    .filter((part) => part !== null)
    .join(' ');
  return {
    profileId: summary.id,
    name: text(traits.name) ?? (fullName === '' ? null : fullName),
    email: text(traits.email) ?? summary.identities.find((i) => i.type === 'email')?.value ?? null,
    ownerId: record?.ownerId ?? null,
    lifecycleStage: record?.lifecycleStage ?? null,
    leadStatus: record?.leadStatus ?? null,
    tags: record?.tags ?? [],
    updatedAt: record?.updatedAt ?? summary.updatedAt,
  };
}
