import {
  type CreateStaticList,
  CreateStaticListSchema,
  type ListMember,
  type StaticList,
  type UpdateStaticList,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError, Readers, type ReadersOf } from '../errors/index.js';
import { liveProfilesOf } from '../identity/index.js';
import { newId } from '../ids/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { addToList, listIdsOf, liveMembersOf, removeFromList } from './list-members.js';

/** How people are shown in member lists (name, email), by live profile id. */
export type ContactsOf = (
  workspaceId: string,
  profileIds: readonly string[],
) => Promise<Map<string, { name: string | null; email: string | null }>>;

export interface ListsDeps {
  readonly store: Store;
  readonly contactsOf: ContactsOf;
  readonly clock: () => number;
}

type ListRow = Database['static_lists'];

/** Static lists: named sets of people, changed by hand, by journeys and by the API. */
export class ListsService {
  /** Journeys that add to or remove from a list (registered by the engine). */
  private readonly readers = new Readers();

  constructor(private readonly deps: ListsDeps) {}

  /** Others that name a list keep it: a journey's list step would fail for everyone. */
  onReaders(readersOf: ReadersOf): void {
    this.readers.add(readersOf);
  }

  private get db() {
    return this.deps.store.db;
  }

  private now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  async list(workspaceId: string): Promise<StaticList[]> {
    const rows = await this.db
      .selectFrom('static_lists')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .orderBy('list_id')
      .execute();
    return Promise.all(rows.map((row) => this.listOf(row)));
  }

  async get(workspaceId: string, listId: string): Promise<StaticList> {
    return this.listOf(await this.row(this.db, workspaceId, listId));
  }

  async create(workspaceId: string, input: CreateStaticList, actorId: string | null): Promise<StaticList> {
    const list = CreateStaticListSchema.parse(input);
    const now = this.now();
    const row = {
      workspace_id: workspaceId,
      list_id: newId('staticList'),
      name: list.name,
      description: list.description,
      created_by: actorId,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('static_lists').values(row).execute();
    return this.listOf(row);
  }

  async update(workspaceId: string, listId: string, patch: UpdateStaticList): Promise<StaticList> {
    await this.row(this.db, workspaceId, listId);
    await this.db
      .updateTable('static_lists')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        updated_at: this.now(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('list_id', '=', listId)
      .execute();
    return this.get(workspaceId, listId);
  }

  /** Deletes a list no journey uses (409 naming them otherwise) and its memberships. */
  async delete(workspaceId: string, listId: string): Promise<void> {
    const list = await this.row(this.db, workspaceId, listId);
    await this.readers.refuseDeletingWhileUsed(workspaceId, listId, `The list "${list.name}"`);
    await writeTransaction(this.deps.store, async (trx) => {
      await this.row(trx, workspaceId, listId);
      await trx
        .deleteFrom('static_list_members')
        .where('workspace_id', '=', workspaceId)
        .where('list_id', '=', listId)
        .execute();
      await trx
        .deleteFrom('static_lists')
        .where('workspace_id', '=', workspaceId)
        .where('list_id', '=', listId)
        .execute();
    });
  }

  /** A page of a list's people, newest first, each as their live profile (merged ones once). */
  async members(
    workspaceId: string,
    listId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ data: ListMember[]; nextCursor: string | null }> {
    await this.row(this.db, workspaceId, listId);
    let query = this.db
      .selectFrom('static_list_members')
      .select(['profile_id', 'added_at'])
      .where('workspace_id', '=', workspaceId)
      .where('list_id', '=', listId);
    if (page.cursor !== undefined) {
      const [addedAt = '', profileId = ''] = page.cursor.split('|');
      query = query.where((eb) =>
        eb.or([
          eb('added_at', '<', addedAt),
          eb.and([eb('added_at', '=', addedAt), eb('profile_id', '<', profileId)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('added_at', 'desc')
      .orderBy('profile_id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const shown = rows.slice(0, page.limit);
    const live = await liveProfilesOf(
      this.db,
      workspaceId,
      shown.map((row) => row.profile_id),
    );
    const contacts = await this.deps.contactsOf(workspaceId, [...new Set(live.values())]);
    const seen = new Set<string>();
    const data: ListMember[] = [];
    for (const row of shown) {
      const profileId = live.get(row.profile_id);
      if (profileId === undefined || seen.has(profileId)) continue;
      seen.add(profileId);
      const contact = contacts.get(profileId);
      data.push({
        profileId,
        name: contact?.name ?? null,
        email: contact?.email ?? null,
        addedAt: row.added_at,
      });
    }
    const last = shown.at(-1);
    return {
      data,
      nextCursor: rows.length > page.limit && last ? `${last.added_at}|${last.profile_id}` : null,
    };
  }

  /** Adds people (the API's and the UI's call); returns how many were added and the unknown ids. */
  async addMembers(
    workspaceId: string,
    listId: string,
    profileIds: readonly string[],
    actorId: string | null,
  ) {
    return writeTransaction(this.deps.store, async (trx) => {
      const unknown = await unknownIds(trx, workspaceId, profileIds);
      return { changed: await addToList(trx, workspaceId, listId, profileIds, actorId), unknown };
    });
  }

  async removeMembers(workspaceId: string, listId: string, profileIds: readonly string[]) {
    return writeTransaction(this.deps.store, async (trx) => {
      const unknown = await unknownIds(trx, workspaceId, profileIds);
      return { changed: await removeFromList(trx, workspaceId, listId, profileIds), unknown };
    });
  }

  /** The lists a person is on (journeys' conditions, the person page). */
  async listsOf(workspaceId: string, profileId: string): Promise<StaticList[]> {
    const ids = await listIdsOf(this.db, workspaceId, profileId);
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('static_lists')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('list_id', 'in', ids)
      .orderBy('name')
      .execute();
    return Promise.all(rows.map((row) => this.listOf(row)));
  }

  /** Every live person on a list (a sequence enrolls them). */
  async liveMembers(workspaceId: string, listId: string): Promise<string[]> {
    await this.row(this.db, workspaceId, listId);
    return liveMembersOf(this.db, workspaceId, listId);
  }

  private async row(db: Kysely<Database>, workspaceId: string, listId: string): Promise<ListRow> {
    const row = await db
      .selectFrom('static_lists')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('list_id', '=', listId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `List ${listId} not found`);
    return row;
  }

  private async listOf(row: ListRow): Promise<StaticList> {
    const members = (await liveMembersOf(this.db, row.workspace_id, row.list_id)).length;
    return {
      id: row.list_id,
      name: row.name,
      description: row.description,
      members,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

/** The ids among these that name no profile of the workspace. */
async function unknownIds(db: Kysely<Database>, workspaceId: string, profileIds: readonly string[]) {
  const live = await liveProfilesOf(db, workspaceId, profileIds);
  return [...new Set(profileIds)].filter((id) => !live.has(id));
}
