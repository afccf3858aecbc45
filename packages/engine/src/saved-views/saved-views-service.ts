import type { Readable } from 'node:stream';
import type {
  NewSavedView,
  Role,
  SavedView,
  SavedViewEntity,
  UpdateSavedView,
  ViewFilter,
  ViewSort,
} from '@tandem/contract';
import type { CompaniesService, DealsService, PipelinesService } from '../crm/index.js';
import { AppError } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import { newId } from '../ids/index.js';
import type { PersonalMask } from '../pii/index.js';
import { fromJson, nowIso, type SavedViewsTable, type Store, toJson } from '../store/index.js';
import { companiesCsv, dealsCsv } from './list-exports.js';
import { peopleCsv } from './people-export.js';

/** Who acts on views: a user (or a token without one) and their role in the workspace. */
export interface SavedViewActor {
  readonly id: string;
  readonly role: Role;
}

interface ViewDefinition {
  filters: ViewFilter[];
  sort: ViewSort[];
  columns: string[];
}

/**
 * Saved views of the CRM lists. A view is its owner's; shared, the whole workspace sees it. Only
 * its owner edits or deletes it, or an owner or admin of the workspace a shared one (to tidy up).
 */
export class SavedViewsService {
  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
    private readonly lists: {
      companies: CompaniesService;
      deals: DealsService;
      pipelines: PipelinesService;
    },
  ) {}

  /** Companies as CSV: those of a companies view (filters, sort, columns), or every company. */
  async exportCompanies(workspaceId: string, actor: SavedViewActor, viewId: string | undefined) {
    const view = viewId === undefined ? undefined : await this.get(workspaceId, actor, viewId);
    return companiesCsv(this.lists.companies, workspaceId, view);
  }

  /** Deals as CSV: those of a deals view (filters, sort, columns), or every deal. */
  async exportDeals(workspaceId: string, actor: SavedViewActor, viewId: string | undefined) {
    const view = viewId === undefined ? undefined : await this.get(workspaceId, actor, viewId);
    return dealsCsv(this.lists, workspaceId, view);
  }

  /**
   * People as CSV: those of a people view the actor may see (its filters, sort and columns), or
   * everyone. Throws `not_found`, or `bad_request` for a view of another list.
   */
  async exportPeople(
    workspaceId: string,
    actor: SavedViewActor,
    viewId: string | undefined,
    mask: PersonalMask | null = null,
  ): Promise<Readable> {
    const view = viewId === undefined ? undefined : await this.get(workspaceId, actor, viewId);
    // "me" as an owner is whoever exports (as the list reads it).
    const filters = view?.filters.map((filter) =>
      filter.field === 'owner_id' && filter.value === 'me' ? { ...filter, value: actor.id } : filter,
    );
    return peopleCsv(
      { store: this.store, identity: this.identity },
      workspaceId,
      view && filters ? { ...view, filters } : undefined,
      mask,
    );
  }

  /** The actor's views and the workspace's shared ones, by name. */
  async list(
    workspaceId: string,
    actor: SavedViewActor,
    filter: { entity?: SavedViewEntity | undefined } = {},
  ): Promise<SavedView[]> {
    let query = this.store.db
      .selectFrom('saved_views')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('owner_id', '=', actor.id), eb('shared', '=', 1)]))
      .orderBy('name')
      .orderBy('view_id');
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    return (await query.execute()).map((row) => viewOf(row, actor));
  }

  /** A view the actor may see. Throws `not_found` (also for another user's private view). */
  async get(workspaceId: string, actor: SavedViewActor, viewId: string): Promise<SavedView> {
    return viewOf(await this.visibleRow(workspaceId, actor, viewId), actor);
  }

  /** Throws `conflict` when the actor already has a view of that list by that name. */
  async create(workspaceId: string, actor: SavedViewActor, view: NewSavedView): Promise<SavedView> {
    await this.checkNameFree(workspaceId, actor, view.entity, view.name);
    const now = nowIso();
    const row: SavedViewsTable = {
      workspace_id: workspaceId,
      view_id: newId('savedView'),
      owner_id: actor.id,
      entity: view.entity,
      name: view.name,
      definition: toJson(definitionOf(view)),
      shared: view.shared ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await this.store.db.insertInto('saved_views').values(row).execute();
    return viewOf(row, actor);
  }

  /** Throws `not_found`, `forbidden` (a view the actor may not edit), `conflict` (name taken). */
  async update(
    workspaceId: string,
    actor: SavedViewActor,
    viewId: string,
    patch: UpdateSavedView,
  ): Promise<SavedView> {
    const row = await this.editableRow(workspaceId, actor, viewId);
    const current = viewOf(row, actor);
    if (patch.name !== undefined && patch.name !== current.name) {
      await this.checkNameFree(workspaceId, { ...actor, id: row.owner_id }, current.entity, patch.name);
    }
    const next = { ...current, ...stripUndefined(patch) };
    const updated: SavedViewsTable = {
      ...row,
      name: next.name,
      definition: toJson(definitionOf(next)),
      shared: next.shared ? 1 : 0,
      updated_at: nowIso(),
    };
    await this.store.db
      .updateTable('saved_views')
      .set({
        name: updated.name,
        definition: updated.definition,
        shared: updated.shared,
        updated_at: updated.updated_at,
      })
      .where('workspace_id', '=', workspaceId)
      .where('view_id', '=', viewId)
      .execute();
    return viewOf(updated, actor);
  }

  /** Throws `not_found` or `forbidden`, as `update`. */
  async delete(workspaceId: string, actor: SavedViewActor, viewId: string): Promise<void> {
    await this.editableRow(workspaceId, actor, viewId);
    await this.store.db
      .deleteFrom('saved_views')
      .where('workspace_id', '=', workspaceId)
      .where('view_id', '=', viewId)
      .execute();
  }

  private async visibleRow(workspaceId: string, actor: SavedViewActor, viewId: string) {
    const row = await this.store.db
      .selectFrom('saved_views')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('view_id', '=', viewId)
      .executeTakeFirst();
    // Another user's private view answers like a missing one: its existence is theirs too.
    if (!row || (row.owner_id !== actor.id && row.shared !== 1)) {
      throw new AppError('not_found', `Saved view ${viewId} not found`);
    }
    return row;
  }

  private async editableRow(workspaceId: string, actor: SavedViewActor, viewId: string) {
    const row = await this.visibleRow(workspaceId, actor, viewId);
    if (!mayEdit(row, actor)) {
      throw new AppError(
        'forbidden',
        `Saved view "${row.name}" is shared by another user: only they, or an admin, may change it`,
      );
    }
    return row;
  }

  private async checkNameFree(workspaceId: string, owner: SavedViewActor, entity: string, name: string) {
    const taken = await this.store.db
      .selectFrom('saved_views')
      .select('view_id')
      .where('workspace_id', '=', workspaceId)
      .where('entity', '=', entity)
      .where('owner_id', '=', owner.id)
      .where('name', '=', name)
      .executeTakeFirst();
    if (taken) throw new AppError('conflict', `You already have a view of ${entity} named "${name}"`);
  }
}

function mayEdit(row: SavedViewsTable, actor: SavedViewActor): boolean {
  return (
    row.owner_id === actor.id || (row.shared === 1 && (actor.role === 'owner' || actor.role === 'admin'))
  );
}

function definitionOf(view: ViewDefinition): ViewDefinition {
  return { filters: view.filters, sort: view.sort, columns: view.columns };
}

function viewOf(row: SavedViewsTable, actor: SavedViewActor): SavedView {
  const definition = fromJson<ViewDefinition>(row.definition);
  return {
    id: row.view_id,
    name: row.name,
    // Written from the contract's enum only.
    entity: row.entity as SavedViewEntity,
    filters: definition.filters,
    sort: definition.sort,
    columns: definition.columns,
    shared: row.shared === 1,
    ownerId: row.owner_id,
    editable: mayEdit(row, actor),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function stripUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
