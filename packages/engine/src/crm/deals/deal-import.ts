import {
  type CustomField,
  DEAL_ROLES,
  type DealImportTarget,
  type DealPatch,
  type DealPerson,
  type DealRole,
  type Pipeline,
  type Stage,
} from '@tandem/contract';
import { AppError } from '../../errors/index.js';
import { checkFieldValues } from '../custom-fields/index.js';
import { validateDealFields } from './deal-fields.js';
import type { ActorId, DealsService, ReadyDeal } from './deals-service.js';

/** One cell of a row, with the column it came from (errors name it). */
export interface DealCell {
  readonly column: string;
  readonly value: string;
}

/** A row of a deal import, as the mapping read it: text cells by deal target. */
export interface DealImportRow {
  /** The row's number in the file (the CSV header is not a row). */
  readonly line: number;
  readonly cells: Partial<Record<Exclude<DealImportTarget, 'person'>, DealCell>>;
  /** Emails of people on the deal, with their role (`person` maps role `other`). */
  readonly people: readonly (DealCell & { role: DealRole })[];
  /** Custom field values by key; text, or already typed (NDJSON). */
  readonly fields: readonly { column: string; key: string; value: unknown }[];
}

export interface DealImportOutcome {
  created: number;
  updated: number;
  errors: { line: number; message: string }[];
}

/** What a deal import reaches outside deals, each through its domain's public functions. */
export interface DealImportDeps {
  readonly deals: DealsService;
  /** The workspace's pipelines, the default (first) one first; made when there is none. */
  readonly pipelines: (workspaceId: string) => Promise<Pipeline[]>;
  readonly members: (workspaceId: string) => Promise<{ id: string; email: string }[]>;
  readonly customFields: (workspaceId: string) => Promise<CustomField[]>;
  /** The company with this domain, else this name; created when missing. */
  readonly companyFor: (
    workspaceId: string,
    ref: { domain?: string | undefined; name?: string | undefined },
    actorId: ActorId,
  ) => Promise<string>;
  /** People by (lower-cased) email, created as by hand when missing. */
  readonly peopleFor: (
    workspaceId: string,
    emails: readonly string[],
    actorId: ActorId,
  ) => Promise<Map<string, string>>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STATUSES: Record<string, 'open' | 'won' | 'lost'> = {
  open: 'open',
  won: 'won',
  'closed won': 'won',
  lost: 'lost',
  'closed lost': 'lost',
};
const MAX_NAME = 200;
const MAX_LOST_REASON = 500;
const MAX_PEOPLE = 100;
const MAX_EXTERNAL_ID = 200;
/** People and companies remembered between batches: a million distinct ones would not fit. */
const MAX_REMEMBERED = 50_000;

/** A row that cannot become a deal: the message names the column. */
class RowError extends Error {}

/**
 * Turns rows of a deal import into deals, a batch at a time: each row is checked and its
 * references resolved (pipeline and stage by name or id, owner by email, company by domain or
 * name, people by email) with what was resolved kept for the next rows; rows that pass are
 * created in one transaction (`DealsService.createMany`), rows naming an existing deal (its id,
 * or an `externalId` an earlier import gave) update it. A bad row is an error of its own line.
 */
export class DealImportSession {
  private pipelinesList: Pipeline[] | undefined;
  private membersByEmail: Map<string, string> | undefined;
  private memberIds: Set<string> | undefined;
  private definitions: CustomField[] | undefined;
  private readonly companies = new Map<string, string>();
  private readonly people = new Map<string, string>();

  constructor(
    private readonly deps: DealImportDeps,
    private readonly workspaceId: string,
    private readonly options: { actorId: ActorId; currency?: string | undefined },
  ) {}

  async importBatch(rows: readonly DealImportRow[]): Promise<DealImportOutcome> {
    const outcome: DealImportOutcome = { created: 0, updated: 0, errors: [] };
    await this.resolvePeople(rows);
    const existing = await this.existingDeals(rows);
    const creates: ReadyDeal[] = [];
    // A second row with the external id of a deal this batch creates updates it, after.
    const creating = new Set<string>();
    const later: DealImportRow[] = [];
    for (const row of rows) {
      try {
        const target = existing.get(row.line);
        if (target === null)
          throw new RowError(`${label(row.cells.dealId, 'dealId')}: no deal ${text(row.cells.dealId)}`);
        if (target !== undefined) {
          await this.deps.deals.update(
            this.workspaceId,
            target,
            await this.patchOf(row),
            this.options.actorId,
          );
          outcome.updated += 1;
          continue;
        }
        const externalId = text(row.cells.externalId);
        if (externalId !== undefined && externalId.length > MAX_EXTERNAL_ID)
          throw new RowError(
            `${label(row.cells.externalId, 'externalId')}: at most ${MAX_EXTERNAL_ID} characters`,
          );
        if (externalId !== undefined && creating.has(externalId)) {
          later.push(row);
          continue;
        }
        creates.push(await this.readyDealOf(row));
        if (externalId !== undefined) creating.add(externalId);
      } catch (error) {
        outcome.errors.push({ line: row.line, message: messageOf(error) });
      }
    }
    await this.deps.deals.createMany(this.workspaceId, creates, this.options.actorId);
    outcome.created += creates.length;
    if (later.length > 0) {
      const more = await this.importBatch(later);
      outcome.created += more.created;
      outcome.updated += more.updated;
      outcome.errors.push(...more.errors);
      outcome.errors.sort((a, b) => a.line - b.line);
    }
    return outcome;
  }

  /**
   * Rows naming a deal that exists (by `dealId`, or an `externalId` imported before): line → deal;
   * null for a `dealId` naming no deal.
   */
  private async existingDeals(rows: readonly DealImportRow[]): Promise<Map<number, string | null>> {
    const byLine = new Map<number, string | null>();
    const dealIds = rows.flatMap((row) => (row.cells.dealId?.value ? [row.cells.dealId.value.trim()] : []));
    const known =
      dealIds.length > 0 ? await this.deps.deals.existingDealIds(this.workspaceId, dealIds) : new Set();
    const externalIds = rows.flatMap((row) =>
      !row.cells.dealId?.value && row.cells.externalId?.value ? [row.cells.externalId.value.trim()] : [],
    );
    const external =
      externalIds.length > 0
        ? await this.deps.deals.dealIdsOfExternalIds(this.workspaceId, externalIds)
        : new Map<string, string>();
    for (const row of rows) {
      const dealId = row.cells.dealId?.value.trim();
      if (dealId) {
        // A dealId names a deal to update: one that does not exist is the row's error.
        byLine.set(row.line, known.has(dealId) ? dealId : null);
        continue;
      }
      const externalId = row.cells.externalId?.value.trim();
      const found = externalId ? external.get(externalId) : undefined;
      if (found) byLine.set(row.line, found);
    }
    return byLine;
  }

  /** Finds (or creates) every person the batch names, in one go. */
  private async resolvePeople(rows: readonly DealImportRow[]): Promise<void> {
    if (this.people.size > MAX_REMEMBERED) this.people.clear();
    const wanted = new Set<string>();
    for (const row of rows)
      for (const person of row.people)
        for (const email of emailsOf(person.value))
          if (EMAIL.test(email) && !this.people.has(email)) wanted.add(email);
    if (wanted.size === 0) return;
    const found = await this.deps.peopleFor(this.workspaceId, [...wanted], this.options.actorId);
    for (const [email, profileId] of found) this.people.set(email, profileId);
  }

  private async readyDealOf(row: DealImportRow): Promise<ReadyDeal> {
    const { cells } = row;
    const name = text(cells.name);
    if (!name) throw new RowError(`${label(cells.name, 'name')}: a deal needs a name`);
    if (name.length > MAX_NAME)
      throw new RowError(`${label(cells.name, 'name')}: at most ${MAX_NAME} characters`);
    const status = this.statusOf(row);
    const lostReason = text(cells.lostReason) ?? null;
    if (status === 'lost' && !lostReason)
      throw new RowError(
        `${label(cells.lostReason, 'lostReason')}: say why the deal was lost (status is lost)`,
      );
    const fields = await this.fieldsOf(row, undefined);
    return {
      name,
      amount: amountOf(cells.amount) ?? 0,
      currency: this.currencyOf(cells.currency),
      stage: await this.stageOf(row),
      status,
      lostReason: lostReason === null ? null : lostReason.slice(0, MAX_LOST_REASON),
      companyId: await this.companyOf(row),
      ownerId: await this.ownerOf(cells.owner),
      closeDate: closeDateOf(cells.closeDate) ?? null,
      fields,
      people: this.peopleOf(row),
      externalId: text(cells.externalId),
    };
  }

  /** A re-imported row: the columns it maps and fills change the deal; empty cells change nothing. */
  private async patchOf(row: DealImportRow): Promise<DealPatch> {
    const { cells } = row;
    const patch: DealPatch = {};
    const name = text(cells.name);
    if (name) patch.name = name.slice(0, MAX_NAME);
    const amount = amountOf(cells.amount);
    if (amount !== undefined) patch.amount = amount;
    if (text(cells.currency)) patch.currency = this.currencyOf(cells.currency);
    if (text(cells.pipeline) || text(cells.stage)) {
      const stage = await this.stageOf(row);
      patch.pipelineId = stage.pipelineId;
      patch.stageId = stage.id;
    }
    if (text(cells.status)) patch.status = this.statusOf(row);
    if (text(cells.lostReason)) patch.lostReason = text(cells.lostReason)?.slice(0, MAX_LOST_REASON) ?? null;
    if (text(cells.company) || text(cells.companyDomain)) patch.companyId = await this.companyOf(row);
    if (text(cells.owner)) patch.ownerId = await this.ownerOf(cells.owner);
    const closeDate = closeDateOf(cells.closeDate);
    if (closeDate) patch.closeDate = closeDate;
    if (row.fields.length > 0) patch.fields = await this.fieldsOf(row, {});
    return patch;
  }

  private statusOf(row: DealImportRow): 'open' | 'won' | 'lost' {
    const raw = text(row.cells.status);
    if (!raw) return 'open';
    const status = STATUSES[raw.toLowerCase()];
    if (!status)
      throw new RowError(`${label(row.cells.status, 'status')}: "${raw}" is not open, won or lost`);
    return status;
  }

  private currencyOf(cell: DealCell | undefined): string {
    const raw = text(cell) ?? this.options.currency;
    if (!raw)
      throw new RowError(`${label(cell, 'currency')}: a deal needs a currency (or give the import one)`);
    if (!/^[A-Za-z]{3}$/.test(raw))
      throw new RowError(`${label(cell, 'currency')}: "${raw}" is not a three-letter code like EUR`);
    return raw.toUpperCase();
  }

  /** The pipeline by id or name (the default one when empty), then the stage in it (the first when empty). */
  private async stageOf(row: DealImportRow): Promise<Stage & { pipelineId: string }> {
    this.pipelinesList ??= await this.deps.pipelines(this.workspaceId);
    const pipelineRef = text(row.cells.pipeline);
    const pipeline = pipelineRef
      ? this.pipelinesList.find(
          (p) => p.id === pipelineRef || p.name.toLowerCase() === pipelineRef.toLowerCase(),
        )
      : this.pipelinesList[0];
    if (!pipeline)
      throw new RowError(`${label(row.cells.pipeline, 'pipeline')}: no pipeline "${pipelineRef ?? ''}"`);
    const stageRef = text(row.cells.stage);
    const stage = stageRef
      ? pipeline.stages.find((s) => s.id === stageRef || s.name.toLowerCase() === stageRef.toLowerCase())
      : pipeline.stages[0];
    if (!stage)
      throw new RowError(
        `${label(row.cells.stage, 'stage')}: no stage "${stageRef ?? ''}" in pipeline "${pipeline.name}"`,
      );
    return { ...stage, pipelineId: pipeline.id };
  }

  /** The owner: a member of the workspace, by email (or user id). */
  private async ownerOf(cell: DealCell | undefined): Promise<string | null> {
    const raw = text(cell);
    if (!raw) return null;
    if (!this.membersByEmail || !this.memberIds) {
      const members = await this.deps.members(this.workspaceId);
      this.membersByEmail = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));
      this.memberIds = new Set(members.map((m) => m.id));
    }
    const owner = this.memberIds.has(raw) ? raw : this.membersByEmail.get(raw.toLowerCase());
    if (!owner) throw new RowError(`${label(cell, 'owner')}: ${raw} is not a member of this workspace`);
    return owner;
  }

  private async companyOf(row: DealImportRow): Promise<string | null> {
    const domain = text(row.cells.companyDomain);
    const name = text(row.cells.company);
    if (!domain && !name) return null;
    const key = `${domain?.toLowerCase() ?? ''}\n${name?.toLowerCase() ?? ''}`;
    const cached = this.companies.get(key);
    if (cached) return cached;
    try {
      const companyId = await this.deps.companyFor(this.workspaceId, { domain, name }, this.options.actorId);
      if (this.companies.size >= MAX_REMEMBERED) this.companies.clear();
      this.companies.set(key, companyId);
      return companyId;
    } catch (error) {
      const cell = domain ? row.cells.companyDomain : row.cells.company;
      throw new RowError(`${label(cell, domain ? 'companyDomain' : 'company')}: ${messageOf(error)}`);
    }
  }

  private peopleOf(row: DealImportRow): DealPerson[] {
    const people = new Map<string, DealPerson>();
    for (const cell of row.people) {
      const target = cell.role === 'other' ? 'person' : `people.${cell.role}`;
      for (const email of emailsOf(cell.value)) {
        if (!EMAIL.test(email)) throw new RowError(`${label(cell, target)}: "${email}" is not an email`);
        const profileId = this.people.get(email);
        if (!profileId)
          throw new RowError(
            `${label(cell, target)}: no person for ${email} (refused, or not unified yet: import the file again)`,
          );
        if (!people.has(profileId)) people.set(profileId, { profileId, role: cell.role });
      }
    }
    if (people.size > MAX_PEOPLE) throw new RowError(`at most ${MAX_PEOPLE} people on a deal`);
    return [...people.values()];
  }

  /**
   * Custom fields, typed by their definition (a file holds text) and checked by the deals'
   * validation; `existing` given (an update) means a patch, where required fields may be absent.
   */
  private async fieldsOf(
    row: DealImportRow,
    existing: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>> {
    this.definitions ??= await this.deps.customFields(this.workspaceId);
    const byKey = new Map(this.definitions.map((d) => [d.key, d]));
    const values: Record<string, unknown> = {};
    const columnOf = new Map<string, string>();
    for (const cell of row.fields) {
      const typed = typedField(byKey.get(cell.key), cell.value);
      if (typed === undefined) continue;
      values[cell.key] = typed;
      columnOf.set(cell.key, cell.column);
    }
    const shaped = validateDealFields(values);
    const checked = shaped.ok
      ? checkFieldValues(this.definitions, 'deal', shaped.value, existing)
      : { ok: false as const, error: shaped.error };
    if (checked.ok) return existing === undefined ? checked.value : values;
    throw new RowError(
      checked.error
        .map((problem) => {
          const key = problem.path.replace(/^fields\./, '');
          const column = columnOf.get(key);
          return `${column ? `column "${column}" (fields.${key})` : `fields.${key}`}: ${problem.message}`;
        })
        .join('; '),
    );
  }
}

/** A file's text as the field's type takes it: numbers, booleans, lists split on `;` or `|`. */
function typedField(definition: CustomField | undefined, value: unknown): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  const raw = value.trim();
  if (raw === '') return undefined;
  switch (definition?.type) {
    case 'number': {
      const number = Number(raw.replace(/,/g, ''));
      return Number.isFinite(number) && raw !== '' ? number : raw;
    }
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (['true', 'yes', '1', 'y'].includes(lower)) return true;
      if (['false', 'no', '0', 'n'].includes(lower)) return false;
      return raw;
    }
    case 'multi_select':
      return raw
        .split(/[;|]/)
        .map((part) => part.trim())
        .filter(Boolean);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}/.test(raw) ? raw : (isoDate(raw) ?? raw);
    default:
      return raw;
  }
}

function text(cell: DealCell | undefined): string | undefined {
  const value = cell?.value.trim();
  return value ? value : undefined;
}

function label(cell: DealCell | undefined, target: string): string {
  return cell ? `column "${cell.column}" (${target})` : target;
}

/** `1234.5`, `1,234.50`, `$ 1 200`: a non-negative amount; absent when empty. */
function amountOf(cell: DealCell | undefined): number | undefined {
  const raw = text(cell);
  if (!raw) return undefined;
  const cleaned = raw.replace(/[\s,$€£¥]/g, '');
  const amount = /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isFinite(amount) || amount > 1e15)
    throw new RowError(`${label(cell, 'amount')}: "${raw}" is not an amount (a number, at least 0)`);
  return amount;
}

function closeDateOf(cell: DealCell | undefined): string | undefined {
  const raw = text(cell);
  if (!raw) return undefined;
  const date = isoDate(raw);
  if (!date) throw new RowError(`${label(cell, 'closeDate')}: "${raw}" is not a date like 2026-03-31`);
  return date;
}

/** `2026-03-31`, `2026-03-31T10:00:00Z`, `20260331`, `2026/03/31` → `2026-03-31`. */
function isoDate(raw: string): string | undefined {
  const match = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})([T ].*)?$/.exec(raw);
  if (!match) return undefined;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : undefined;
}

/** A cell may hold several emails, separated by `;`, `,` or spaces. */
function emailsOf(value: string): string[] {
  return value
    .split(/[;,\s]+/)
    .map((email) => email.trim().toLowerCase())
    .filter(Boolean);
}

function messageOf(error: unknown): string {
  if (error instanceof RowError) return error.message;
  if (error instanceof AppError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Roles a `people.<role>` target may name. */
export function isDealRole(role: string): role is DealRole {
  return (DEAL_ROLES as readonly string[]).includes(role);
}
