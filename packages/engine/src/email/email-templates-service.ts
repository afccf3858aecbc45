import type {
  EmailTemplate,
  EmailTemplateInputSchema,
  ErrorDetail,
  UpdateEmailTemplateSchema,
} from '@tandem/contract';
import { sql } from 'kysely';
import type { z } from 'zod';
import { AppError, Readers, type ReadersOf } from '../errors/index.js';
import { newId } from '../ids/index.js';
import {
  type Database,
  keysetAfter,
  keysetPage,
  keysetPositionOf,
  nowIso,
  type Store,
} from '../store/index.js';
import type { PersonContexts, PersonFacts } from './person-context.js';
import {
  type CompiledTemplate,
  compileTemplate,
  PREFERENCES_URL_MARKER,
  renderTemplate,
  type TemplateContext,
  UNSUBSCRIBE_URL_MARKER,
} from './template-compiler.js';

type Row = Database['email_templates'];
type TemplateInput = z.output<typeof EmailTemplateInputSchema>;
type TemplatePatch = z.output<typeof UpdateEmailTemplateSchema>;

/** Compiled templates kept at most (each a few kB of parsed Liquid). */
const CACHE_SIZE = 200;

/** A template as the sender uses it: its row and its compiled form. */
export interface LoadedTemplate {
  readonly template: EmailTemplate;
  readonly compiled: CompiledTemplate;
}

/**
 * Email templates: MJML with Liquid, checked on every write (MJML errors and Liquid syntax
 * errors are 422s naming the field), compiled once per version (cached by id + updatedAt),
 * rendered per person.
 */
export class EmailTemplatesService {
  private readonly cache = new Map<string, Promise<LoadedTemplate | undefined>>();
  /** Journeys, broadcasts and sequences that send a template (registered by the engine). */
  private readonly readers = new Readers();

  constructor(
    private readonly deps: { store: Store; people: PersonContexts; clock?: (() => number) | undefined },
  ) {}

  /** Newest first, a page at a time: the cursor is the last template's creation time and id. */
  async list(
    workspaceId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ data: EmailTemplate[]; nextCursor: string | null }> {
    let query = this.deps.store.db
      .selectFrom('email_templates')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('template_id', 'desc')
      .limit(page.limit + 1);
    if (page.cursor) {
      const position = keysetPositionOf(page.cursor);
      query = query.where((eb) =>
        keysetAfter(eb, sql.ref('created_at'), sql.ref('template_id'), 'desc', position),
      );
    }
    const { rows, nextCursor } = keysetPage(await query.execute(), page.limit, (row) => ({
      key: row.created_at,
      id: row.template_id,
    }));
    return { data: rows.map(templateOf), nextCursor };
  }

  async get(workspaceId: string, templateId: string): Promise<EmailTemplate> {
    const row = await this.row(workspaceId, templateId);
    if (!row) throw new AppError('not_found', `Email template ${templateId} not found`);
    return templateOf(row);
  }

  /** Whether a template exists (broadcasts, journeys check their templateId with it). */
  async exists(workspaceId: string, templateId: string): Promise<boolean> {
    return (await this.row(workspaceId, templateId)) !== undefined;
  }

  async create(workspaceId: string, input: TemplateInput): Promise<EmailTemplate> {
    await checked(input);
    const at = nowIso(this.deps.clock);
    const templateId = newId('emailTemplate');
    await this.deps.store.db
      .insertInto('email_templates')
      .values({
        workspace_id: workspaceId,
        template_id: templateId,
        ...columnsOf(input),
        created_at: at,
        updated_at: at,
      })
      .execute();
    return this.get(workspaceId, templateId);
  }

  async update(workspaceId: string, templateId: string, patch: TemplatePatch): Promise<EmailTemplate> {
    const before = await this.get(workspaceId, templateId);
    const { id: _id, createdAt: _c, updatedAt: _u, ...current } = before;
    const next = { ...current, ...stripUndefined(patch) } as TemplateInput;
    await checked(next);
    // A strictly later updatedAt: the compiled cache is keyed by it.
    const at = laterThan(before.updatedAt, nowIso(this.deps.clock));
    await this.deps.store.db
      .updateTable('email_templates')
      .set({ ...columnsOf(next), updated_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('template_id', '=', templateId)
      .execute();
    return this.get(workspaceId, templateId);
  }

  /** Others that send a template keep it: a journey's email step would fail every send. */
  onReaders(readersOf: ReadersOf): void {
    this.readers.add(readersOf);
  }

  /** The templates of a subscription topic, as `email template "name"`. */
  async readersOfTopic(workspaceId: string, topicId: string): Promise<string[]> {
    const rows = await this.deps.store.db
      .selectFrom('email_templates')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .where('topic_id', '=', topicId)
      .orderBy('name')
      .execute();
    return rows.map((row) => `email template "${row.name}"`);
  }

  /**
   * Deletes a template no journey, sequence or unsent broadcast uses (409 naming them otherwise);
   * messages already queued with it fail when their turn comes.
   */
  async delete(workspaceId: string, templateId: string): Promise<void> {
    const template = await this.get(workspaceId, templateId);
    await this.readers.refuseDeletingWhileUsed(
      workspaceId,
      templateId,
      `The email template "${template.name}"`,
    );
    const deleted = await this.deps.store.db
      .deleteFrom('email_templates')
      .where('workspace_id', '=', workspaceId)
      .where('template_id', '=', templateId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0)
      throw new AppError('not_found', `Email template ${templateId} not found`);
  }

  /** The template compiled (once per version); undefined when it does not exist (any more). */
  async loaded(workspaceId: string, templateId: string): Promise<LoadedTemplate | undefined> {
    const row = await this.row(workspaceId, templateId);
    if (!row) return undefined;
    const key = `${workspaceId}\u0000${templateId}\u0000${row.updated_at}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = compileTemplate({ subject: row.subject, mjml: row.mjml, text: row.text_part }).then(
        (compiled) => (compiled.ok ? { template: templateOf(row), compiled: compiled.value } : undefined),
      );
      this.cache.set(key, entry);
      while (this.cache.size > CACHE_SIZE) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return entry;
  }

  /** Renders the template for a person (or nobody) and a sample event; markers stay as they are. */
  async preview(
    workspaceId: string,
    templateId: string,
    request: { profileId?: string | undefined; event?: Record<string, unknown> | undefined },
  ): Promise<{ subject: string; html: string; text: string; errors: string[] }> {
    const row = await this.row(workspaceId, templateId);
    if (!row) throw new AppError('not_found', `Email template ${templateId} not found`);
    const compiled = await compileTemplate({ subject: row.subject, mjml: row.mjml, text: row.text_part });
    if (!compiled.ok)
      return {
        subject: row.subject,
        html: '',
        text: '',
        errors: compiled.errors.map((e) => `${e.path}: ${e.message}`),
      };
    let profileId = 'prof_preview';
    let facts: PersonFacts | undefined;
    if (request.profileId) {
      const db = this.deps.store.db;
      const live = (await this.deps.people.liveIdsOf(db, workspaceId, [request.profileId])).get(
        request.profileId,
      );
      if (!live) {
        const message = `There is no person ${request.profileId}.`;
        throw new AppError('unprocessable', `profileId: ${message}`, {
          details: [{ path: 'profileId', message }],
        });
      }
      profileId = live;
      facts = (
        await this.deps.people.factsOf(db, workspaceId, [live], { computedTraits: true, crm: true })
      ).get(live);
    }
    try {
      return { ...renderTemplate(compiled.value, contextOf(profileId, facts, request.event)), errors: [] };
    } catch (cause) {
      return {
        subject: row.subject,
        html: '',
        text: '',
        errors: [cause instanceof Error ? cause.message : String(cause)],
      };
    }
  }

  private row(workspaceId: string, templateId: string): Promise<Row | undefined> {
    return this.deps.store.db
      .selectFrom('email_templates')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('template_id', '=', templateId)
      .executeTakeFirst();
  }
}

/** The Liquid context of one person's email (the links are markers the send policy replaces). */
export function contextOf(
  profileId: string,
  facts: PersonFacts | undefined,
  event: Readonly<Record<string, unknown>> | null | undefined,
): TemplateContext {
  return {
    traits: facts?.traits ?? {},
    computedTraits: facts?.computedTraits ?? {},
    event: event ?? null,
    profile: { id: profileId, email: facts?.email ?? null },
    crm: facts?.crm ?? { lifecycleStage: null, leadStatus: null, ownerId: null, fields: {} },
    unsubscribe_url: UNSUBSCRIBE_URL_MARKER,
    preferences_url: PREFERENCES_URL_MARKER,
  };
}

async function checked(input: TemplateInput): Promise<void> {
  const compiled = await compileTemplate(input);
  if (compiled.ok) return;
  const details: ErrorDetail[] = compiled.errors;
  const first = details[0];
  throw new AppError('unprocessable', first ? `${first.path}: ${first.message}` : 'Invalid template', {
    details,
  });
}

function columnsOf(input: TemplateInput) {
  return {
    name: input.name,
    subject: input.subject,
    mjml: input.mjml,
    text_part: input.text ?? null,
    category: input.category ?? 'marketing',
    topic_id: input.topicId ?? null,
    from_name: input.fromName ?? null,
    from_address: input.fromAddress ?? null,
    reply_to: input.replyTo ?? null,
  };
}

function templateOf(row: Row): EmailTemplate {
  return {
    id: row.template_id,
    name: row.name,
    subject: row.subject,
    mjml: row.mjml,
    ...(row.text_part === null ? {} : { text: row.text_part }),
    category: row.category as EmailTemplate['category'], // written from the contract's enum
    topicId: row.topic_id,
    ...(row.from_name === null ? {} : { fromName: row.from_name }),
    ...(row.from_address === null ? {} : { fromAddress: row.from_address }),
    ...(row.reply_to === null ? {} : { replyTo: row.reply_to }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `now`, or a millisecond after `previous` when the clock has not moved past it. */
function laterThan(previous: string, now: string): string {
  return now > previous ? now : new Date(Date.parse(previous) + 1).toISOString();
}
