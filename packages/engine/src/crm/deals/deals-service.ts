import type {
  Deal,
  DealDetail,
  DealListQuery,
  DealPatch,
  DealPerson,
  DealSettings,
  ErrorDetail,
  NewDeal,
  Role,
  Stage,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import {
  type Database,
  lockedForUpdate,
  nowIso,
  type Store,
  toJson,
  writeTransaction,
} from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import type { CrmEvent, CrmEvents } from '../crm-events.js';
import { validateCustomFields } from '../custom-fields/index.js';
import { stageOf } from '../pipelines/index.js';
import { dealClosedEvents, dealCreatedEvents, stageChangedEvents } from './deal-events.js';
import { validateDealFields } from './deal-fields.js';
import { handOverOpenDealsWithin, openDealOwnerIds, openDealsOwnedBy } from './deal-hand-over.js';
import { companyNamesOf, dealPage, dealRowOf, dealsOf, stageHistoryOf } from './deal-reads.js';
import { dealSettingsOf, storeDealSettings } from './deal-settings.js';

/** Rows per multi-row insert: well under both engines' bound-parameter limits. */
const INSERT_CHUNK = 500;

/** A deal to create in a batch, its references resolved and its custom fields checked. */
export interface ReadyDeal {
  readonly name: string;
  readonly amount: number;
  readonly currency: string;
  readonly stage: Stage & { pipelineId: string };
  readonly status: 'open' | 'won' | 'lost';
  readonly lostReason: string | null;
  readonly companyId: string | null;
  readonly ownerId: string | null;
  readonly closeDate: string | null;
  readonly fields: Record<string, unknown>;
  readonly people: readonly DealPerson[];
  /** The import's key for the deal: a later import with the same key updates it. */
  readonly externalId?: string | undefined;
}

export interface DealsDeps {
  readonly store: Store;
  readonly crmEvents: CrmEvents;
  /** The live profile an id resolves to (itself or its merge survivor), undefined if none. */
  readonly liveProfileOf: (
    workspaceId: string,
    profileId: string,
    db: Kysely<Database>,
  ) => Promise<string | undefined>;
  /** Whether a user is a member of the workspace (a deal's owner must be). */
  readonly isMember: (workspaceId: string, userId: string) => Promise<boolean>;
  readonly clock?: (() => number) | undefined;
}

/** Who makes a change: a user or token id, kept in the audit trail, history and events. */
export type ActorId = string | null;

/** Deals: their stage moves, people with roles, outcomes; each change audited and on the log. */
export class DealsService {
  private readonly clock: () => number;

  constructor(private readonly deps: DealsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async get(workspaceId: string, dealId: string): Promise<DealDetail> {
    const db = this.deps.store.db;
    const row = await dealRowOf(db, workspaceId, dealId);
    if (!row) throw notFound(dealId);
    const [deal] = await dealsOf(db, workspaceId, [row]);
    if (!deal) throw notFound(dealId);
    return { ...deal, stageHistory: await stageHistoryOf(db, workspaceId, dealId) };
  }

  settings(workspaceId: string): Promise<DealSettings> {
    return dealSettingsOf(this.deps.store.db, workspaceId);
  }

  async updateSettings(workspaceId: string, settings: DealSettings, actorId: ActorId): Promise<DealSettings> {
    const at = nowIso(this.clock);
    await writeTransaction(this.deps.store, async (trx) => {
      const before = await dealSettingsOf(trx, workspaceId);
      // The CRM settings row is made with the CRM's internal source, on first use.
      await this.deps.crmEvents.sourceOf(trx, workspaceId);
      await storeDealSettings(trx, workspaceId, settings, this.clock);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'deal_settings',
          entityId: workspaceId,
          action: 'update',
          before,
          after: settings,
          at,
        },
      ]);
    });
    return this.settings(workspaceId);
  }

  /**
   * Refuses a change to a deal owned by someone else when the workspace restricts edits to
   * owners; owners and admins of the workspace may always edit.
   */
  async assertMayEdit(workspaceId: string, dealId: string, editor: { userId: string | null; role: Role }) {
    if (editor.role === 'owner' || editor.role === 'admin') return;
    if (!(await dealSettingsOf(this.deps.store.db, workspaceId)).ownerOnlyEdits) return;
    const row = await dealRowOf(this.deps.store.db, workspaceId, dealId);
    if (!row) throw notFound(dealId);
    if (row.owner_id !== null && row.owner_id !== editor.userId)
      throw new AppError(
        'forbidden',
        'Only the owner of this deal may change it: the workspace restricts edits to owners',
      );
  }

  /** How many open deals `userId` owns: what their removal from the workspace may hand over. */
  async openOwnedCount(workspaceId: string, userId: string): Promise<number> {
    return (await openDealsOwnedBy(this.deps.store.db, { workspaceId, userId })).length;
  }

  /** Who owns open deals here (former members too). */
  openOwnerIds(workspaceId: string): Promise<string[]> {
    return openDealOwnerIds(this.deps.store.db, workspaceId);
  }

  /** Gives the open deals `from` owns to `to` (a member leaving), audited; answers how many. */
  handOver(workspaceId: string, handOver: { from: string; to: string; actorId: ActorId }): Promise<number> {
    const at = nowIso(this.clock);
    return writeTransaction(this.deps.store, (trx) =>
      handOverOpenDealsWithin(trx, { workspaceId, ...handOver, at }),
    );
  }

  list(workspaceId: string, query: DealListQuery) {
    return dealPage(this.deps.store.db, workspaceId, query);
  }

  async create(workspaceId: string, input: NewDeal, actorId: ActorId): Promise<DealDetail> {
    const at = nowIso(this.clock);
    const dealId = newId('deal');
    const fields = await validateCustomFields(
      this.deps.store.db,
      workspaceId,
      'deal',
      valueOr422(validateDealFields(input.fields ?? {})),
    );
    await this.checkOwner(workspaceId, input.ownerId);
    await writeTransaction(this.deps.store, async (trx) => {
      const stage = await this.stageFor(trx, workspaceId, input.pipelineId, input.stageId);
      await this.checkCompany(trx, workspaceId, input.companyId);
      const people = await this.livePeople(trx, workspaceId, [
        ...(input.people ?? []),
        ...(input.profileIds ?? []).map((profileId) => ({ profileId, role: 'other' as const })),
      ]);
      await trx
        .insertInto('crm_deals')
        .values({
          workspace_id: workspaceId,
          deal_id: dealId,
          name: input.name,
          amount: input.amount,
          currency: input.currency,
          pipeline_id: stage.pipelineId,
          stage_id: stage.id,
          status: 'open',
          lost_reason: null,
          company_id: input.companyId ?? null,
          owner_id: input.ownerId ?? null,
          close_date: input.closeDate ?? null,
          fields: toJson(fields),
          stage_entered_at: at,
          closed_at: null,
          created_by: actorId,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await insertPeople(trx, workspaceId, dealId, people, at);
      await enterStage(trx, {
        workspaceId,
        dealId,
        pipelineId: stage.pipelineId,
        stageId: stage.id,
        from: null,
        at,
        actorId,
      });
      const deal = await this.dealWithin(trx, workspaceId, dealId);
      await recordCrmAudit(trx, [
        { workspaceId, actorId, entityType: 'deal', entityId: dealId, action: 'create', after: deal, at },
      ]);
      await this.deps.crmEvents.appendWithin(
        trx,
        dealCreatedEvents({ workspaceId, deal, actorId, at }, stage.name),
      );
    });
    return this.get(workspaceId, dealId);
  }

  /**
   * Creates many deals in one transaction (an import's batch): the rows, people, first stage
   * stays, audit entries and `Deal Created` events (and `Deal Won` / `Deal Lost` for deals
   * imported closed) are written with multi-row inserts, as `create` writes them one by one.
   * Deals come checked and resolved (`ReadyDeal`): a bad reference here fails the whole batch.
   */
  async createMany(workspaceId: string, ready: readonly ReadyDeal[], actorId: ActorId): Promise<string[]> {
    if (ready.length === 0) return [];
    const at = nowIso(this.clock);
    const deals: Deal[] = ready.map((input) => {
      const closed = input.status !== 'open';
      return {
        id: newId('deal'),
        name: input.name,
        amount: input.amount,
        currency: input.currency,
        pipelineId: input.stage.pipelineId,
        stageId: input.stage.id,
        status: input.status,
        lostReason: input.status === 'lost' ? input.lostReason : null,
        companyId: input.companyId,
        companyName: null,
        ownerId: input.ownerId,
        // A deal imported closed closed on its close date, else on the day it was imported.
        closeDate: input.closeDate ?? (closed ? at.slice(0, 10) : null),
        fields: input.fields,
        people: [...new Map(input.people.map((p) => [p.profileId, p])).values()],
        stageEnteredAt: at,
        closedAt: closed ? at : null,
        createdAt: at,
        updatedAt: at,
      };
    });
    await writeTransaction(this.deps.store, async (trx) => {
      const companyIds = [...new Set(deals.flatMap((d) => (d.companyId ? [d.companyId] : [])))];
      const names = await companyNamesOf(trx, workspaceId, companyIds);
      for (const id of companyIds) if (!names.has(id)) throw unprocessable('companyId', `no company ${id}`);
      for (const deal of deals)
        deal.companyName = deal.companyId ? (names.get(deal.companyId) ?? null) : null;
      for (const chunk of chunksOf(deals, INSERT_CHUNK)) {
        await trx
          .insertInto('crm_deals')
          .values(
            chunk.map((deal) => ({
              workspace_id: workspaceId,
              deal_id: deal.id,
              name: deal.name,
              amount: deal.amount,
              currency: deal.currency,
              pipeline_id: deal.pipelineId,
              stage_id: deal.stageId,
              status: deal.status,
              lost_reason: deal.lostReason,
              company_id: deal.companyId,
              owner_id: deal.ownerId,
              close_date: deal.closeDate,
              fields: toJson(deal.fields),
              stage_entered_at: at,
              closed_at: deal.closedAt,
              created_by: actorId,
              created_at: at,
              updated_at: at,
            })),
          )
          .execute();
        await trx
          .insertInto('crm_deal_stage_history')
          .values(
            chunk.map((deal) => ({
              workspace_id: workspaceId,
              change_id: newId('dealStageChange'),
              deal_id: deal.id,
              pipeline_id: deal.pipelineId,
              stage_id: deal.stageId,
              from_stage_id: null,
              entered_at: at,
              entered_by: actorId,
              left_at: null,
              left_by: null,
            })),
          )
          .execute();
        const people = chunk.flatMap((deal) =>
          deal.people.map((person) => ({
            workspace_id: workspaceId,
            deal_id: deal.id,
            profile_id: person.profileId,
            role: person.role,
            added_at: at,
          })),
        );
        for (const part of chunksOf(people, INSERT_CHUNK))
          await trx.insertInto('crm_deal_people').values(part).execute();
        await recordCrmAudit(
          trx,
          chunk.map((deal) => ({
            workspaceId,
            actorId,
            entityType: 'deal',
            entityId: deal.id,
            action: 'create',
            after: deal,
            at,
          })),
        );
      }
      const externalIds = ready.flatMap((input, index) =>
        input.externalId === undefined
          ? []
          : [{ workspace_id: workspaceId, external_id: input.externalId, deal_id: deals[index]?.id ?? '' }],
      );
      for (const part of chunksOf(externalIds, INSERT_CHUNK))
        await trx.insertInto('crm_deal_external_ids').values(part).execute();
      const events = deals.flatMap((deal, index) => {
        const stageName = ready[index]?.stage.name ?? deal.stageId;
        const change = { workspaceId, deal, actorId, at };
        return [
          ...dealCreatedEvents(change, stageName),
          ...(deal.status === 'open' ? [] : dealClosedEvents(change, stageName)),
        ];
      });
      await this.deps.crmEvents.appendWithin(trx, events);
    });
    return deals.map((deal) => deal.id);
  }

  /** The deals external ids name (set by earlier imports), by external id. */
  async dealIdsOfExternalIds(
    workspaceId: string,
    externalIds: readonly string[],
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const part of chunksOf(externalIds, INSERT_CHUNK)) {
      const rows = await this.deps.store.db
        .selectFrom('crm_deal_external_ids')
        .select(['external_id', 'deal_id'])
        .where('workspace_id', '=', workspaceId)
        .where('external_id', 'in', part)
        .execute();
      for (const row of rows) found.set(row.external_id, row.deal_id);
    }
    return found;
  }

  /** Which of these deal ids exist in the workspace. */
  async existingDealIds(workspaceId: string, dealIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunksOf(dealIds, INSERT_CHUNK)) {
      const rows = await this.deps.store.db
        .selectFrom('crm_deals')
        .select('deal_id')
        .where('workspace_id', '=', workspaceId)
        .where('deal_id', 'in', part)
        .execute();
      for (const row of rows) found.add(row.deal_id);
    }
    return found;
  }

  async update(workspaceId: string, dealId: string, patch: DealPatch, actorId: ActorId): Promise<DealDetail> {
    const at = nowIso(this.clock);
    const shapedFields =
      patch.fields === undefined ? undefined : valueOr422(validateDealFields(patch.fields));
    await this.checkOwner(workspaceId, patch.ownerId);
    await writeTransaction(this.deps.store, async (trx) => {
      const row = await trx
        .selectFrom('crm_deals')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('deal_id', '=', dealId)
        .$call(lockedForUpdate(this.deps.store.kind))
        .executeTakeFirst();
      if (!row) throw notFound(dealId);
      const [before] = await dealsOf(trx, workspaceId, [row]);
      if (!before) throw notFound(dealId);
      // Custom fields given are checked against the workspace's definitions and merged in.
      const fields =
        shapedFields === undefined
          ? undefined
          : await validateCustomFields(trx, workspaceId, 'deal', shapedFields, before.fields);
      await this.checkCompany(trx, workspaceId, patch.companyId);
      const moving =
        patch.stageId !== undefined ||
        (patch.pipelineId !== undefined && patch.pipelineId !== row.pipeline_id);
      const fromStage = await stageOf(trx, workspaceId, row.stage_id);
      const toStage = moving
        ? await this.stageFor(trx, workspaceId, patch.pipelineId ?? row.pipeline_id, patch.stageId)
        : fromStage;
      const stageChanged = toStage !== undefined && toStage.id !== row.stage_id;
      const status = patch.status ?? row.status;
      const statusChanged = status !== row.status;
      const lostReason = status === 'lost' ? (patch.lostReason ?? row.lost_reason) : null;
      if (status === 'lost' && !lostReason)
        throw new AppError('unprocessable', 'Invalid lostReason: say why the deal was lost', {
          details: [{ path: 'lostReason', message: 'required when a deal is lost' }],
        });
      const closing = statusChanged && status !== 'open';
      await trx
        .updateTable('crm_deals')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.amount !== undefined ? { amount: patch.amount } : {}),
          ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
          ...(patch.companyId !== undefined ? { company_id: patch.companyId } : {}),
          ...(patch.ownerId !== undefined ? { owner_id: patch.ownerId } : {}),
          ...(fields !== undefined ? { fields: toJson(fields) } : {}),
          ...(stageChanged && toStage
            ? { pipeline_id: toStage.pipelineId, stage_id: toStage.id, stage_entered_at: at }
            : {}),
          status,
          lost_reason: lostReason,
          // A deal closes on the day it is marked won or lost unless the change names the day.
          close_date:
            patch.closeDate !== undefined ? patch.closeDate : closing ? at.slice(0, 10) : row.close_date,
          closed_at: status === 'open' ? null : statusChanged ? at : row.closed_at,
          updated_at: at,
        })
        .where('workspace_id', '=', workspaceId)
        .where('deal_id', '=', dealId)
        .execute();
      const events: CrmEvent[] = [];
      const deal = await this.dealWithin(trx, workspaceId, dealId);
      if (stageChanged && toStage) {
        const changeId = await moveStage(trx, {
          workspaceId,
          dealId,
          pipelineId: toStage.pipelineId,
          stageId: toStage.id,
          from: row.stage_id,
          at,
          actorId,
        });
        events.push(
          ...stageChangedEvents(
            { workspaceId, deal, actorId, at },
            {
              changeId,
              fromStageId: row.stage_id,
              fromStage: fromStage?.name ?? row.stage_id,
              toStage: toStage.name,
            },
          ),
        );
      }
      if (closing)
        events.push(...dealClosedEvents({ workspaceId, deal, actorId, at }, toStage?.name ?? row.stage_id));
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'deal',
          entityId: dealId,
          action: 'update',
          before,
          after: deal,
          at,
        },
      ]);
      await this.deps.crmEvents.appendWithin(trx, events);
    });
    return this.get(workspaceId, dealId);
  }

  /** Replaces the people on a deal and their roles. */
  async setPeople(
    workspaceId: string,
    dealId: string,
    people: readonly DealPerson[],
    actorId: ActorId,
  ): Promise<DealDetail> {
    const at = nowIso(this.clock);
    await writeTransaction(this.deps.store, async (trx) => {
      const before = await this.dealWithin(trx, workspaceId, dealId);
      const live = await this.livePeople(trx, workspaceId, people);
      // People already on the deal keep their place (the time they were added); roles may change.
      const kept = new Set(live.map((p) => p.profileId));
      const gone = before.people.filter((p) => !kept.has(p.profileId)).map((p) => p.profileId);
      if (gone.length > 0)
        await trx
          .deleteFrom('crm_deal_people')
          .where('workspace_id', '=', workspaceId)
          .where('deal_id', '=', dealId)
          .where('profile_id', 'in', gone)
          .execute();
      const present = new Set(before.people.map((p) => p.profileId));
      for (const person of live.filter((p) => present.has(p.profileId)))
        await trx
          .updateTable('crm_deal_people')
          .set({ role: person.role })
          .where('workspace_id', '=', workspaceId)
          .where('deal_id', '=', dealId)
          .where('profile_id', '=', person.profileId)
          .execute();
      await insertPeople(
        trx,
        workspaceId,
        dealId,
        live.filter((p) => !present.has(p.profileId)),
        at,
      );
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'deal',
          entityId: dealId,
          action: 'set_people',
          before: before.people,
          after: live,
          at,
        },
      ]);
    });
    return this.get(workspaceId, dealId);
  }

  private async dealWithin(trx: Kysely<Database>, workspaceId: string, dealId: string): Promise<Deal> {
    const row = await dealRowOf(trx, workspaceId, dealId);
    const [deal] = row ? await dealsOf(trx, workspaceId, [row]) : [];
    if (!deal) throw notFound(dealId);
    return deal;
  }

  /** The stage a deal goes to: the one named (of that pipeline), else the pipeline's first. */
  private async stageFor(
    db: Kysely<Database>,
    workspaceId: string,
    pipelineId: string,
    stageId: string | undefined,
  ): Promise<Stage & { pipelineId: string }> {
    if (stageId !== undefined) {
      const stage = await stageOf(db, workspaceId, stageId);
      if (!stage) throw unprocessable('stageId', `no stage ${stageId}`);
      if (stage.pipelineId !== pipelineId)
        throw unprocessable('stageId', `not a stage of pipeline ${pipelineId}`);
      return stage;
    }
    const first = await db
      .selectFrom('crm_stages')
      .select('stage_id')
      .where('workspace_id', '=', workspaceId)
      .where('pipeline_id', '=', pipelineId)
      .orderBy('position')
      .limit(1)
      .executeTakeFirst();
    const stage = first && (await stageOf(db, workspaceId, first.stage_id));
    if (!stage) throw unprocessable('pipelineId', `no pipeline ${pipelineId}`);
    return stage;
  }

  private async checkCompany(
    db: Kysely<Database>,
    workspaceId: string,
    companyId: string | null | undefined,
  ) {
    if (!companyId) return;
    const names = await companyNamesOf(db, workspaceId, [companyId]);
    if (!names.has(companyId)) throw unprocessable('companyId', `no company ${companyId}`);
  }

  // Outside the write transaction: membership is read through the access domain's own connection.
  private async checkOwner(workspaceId: string, ownerId: string | null | undefined) {
    if (ownerId && !(await this.deps.isMember(workspaceId, ownerId)))
      throw unprocessable('ownerId', `${ownerId} is not a member of this workspace`);
  }

  /** The people named, each as their live profile (a merged id counts as its survivor), once. */
  private async livePeople(
    db: Kysely<Database>,
    workspaceId: string,
    people: readonly DealPerson[],
  ): Promise<DealPerson[]> {
    const live = new Map<string, DealPerson>();
    const problems: ErrorDetail[] = [];
    for (const [index, person] of people.entries()) {
      const profileId = await this.deps.liveProfileOf(workspaceId, person.profileId, db);
      if (!profileId)
        problems.push({ path: `people.${index}.profileId`, message: `no person ${person.profileId}` });
      else if (!live.has(profileId)) live.set(profileId, { profileId, role: person.role });
    }
    const [first] = problems;
    if (first)
      throw new AppError('unprocessable', `Invalid ${first.path}: ${first.message}`, { details: problems });
    return [...live.values()];
  }
}

async function insertPeople(
  trx: Kysely<Database>,
  workspaceId: string,
  dealId: string,
  people: readonly DealPerson[],
  at: string,
): Promise<void> {
  if (people.length === 0) return;
  await trx
    .insertInto('crm_deal_people')
    .values(
      people.map((person) => ({
        workspace_id: workspaceId,
        deal_id: dealId,
        profile_id: person.profileId,
        role: person.role,
        added_at: at,
      })),
    )
    .execute();
}

interface StageEntry {
  workspaceId: string;
  dealId: string;
  pipelineId: string;
  stageId: string;
  from: string | null;
  at: string;
  actorId: ActorId;
}

/** Opens a stay in a stage; its id names the change. */
async function enterStage(trx: Kysely<Database>, entry: StageEntry): Promise<string> {
  const changeId = newId('dealStageChange');
  await trx
    .insertInto('crm_deal_stage_history')
    .values({
      workspace_id: entry.workspaceId,
      change_id: changeId,
      deal_id: entry.dealId,
      pipeline_id: entry.pipelineId,
      stage_id: entry.stageId,
      from_stage_id: entry.from,
      entered_at: entry.at,
      entered_by: entry.actorId,
      left_at: null,
      left_by: null,
    })
    .execute();
  return changeId;
}

/** Closes the deal's open stay and opens one in the new stage. */
async function moveStage(trx: Kysely<Database>, entry: StageEntry): Promise<string> {
  await trx
    .updateTable('crm_deal_stage_history')
    .set({ left_at: entry.at, left_by: entry.actorId })
    .where('workspace_id', '=', entry.workspaceId)
    .where('deal_id', '=', entry.dealId)
    .where('left_at', 'is', null)
    .execute();
  return enterStage(trx, entry);
}

function valueOr422<T>(result: { ok: true; value: T } | { ok: false; error: ErrorDetail[] }): T {
  if (result.ok) return result.value;
  const [first] = result.error;
  throw new AppError('unprocessable', first ? `Invalid ${first.path}: ${first.message}` : 'Invalid request', {
    details: result.error,
  });
}

function unprocessable(path: string, message: string): AppError {
  return new AppError('unprocessable', `Invalid ${path}: ${message}`, { details: [{ path, message }] });
}

function notFound(dealId: string): AppError {
  return new AppError('not_found', `No deal ${dealId}`);
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
