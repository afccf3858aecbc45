import type {
  PutWebhookSource,
  WebhookMappingResult,
  WebhookPreset,
  WebhookSignature,
  WebhookSource,
} from '@tandem/contract';
import type jsonata from 'jsonata';
import type { Collector, CollectResult, RequestInfo } from '../collect/index.js';
import { prepareCalls } from '../collect/index.js';
import type { SecretBox } from '../destinations/index.js';
import { AppError } from '../errors/index.js';
import { newSecret } from '../ids/index.js';
import type { SourcesService } from '../sources/index.js';
import { nowIso, type Store } from '../store/index.js';
import { PRESETS } from './presets.js';
import { signatureProblem } from './signatures.js';
import { compileMapping, runMapping } from './webhook-mapping.js';

/** Where a webhook source's sender posts: the token is its only credential. */
export function inboundPathOf(token: string): string {
  return `/v1/webhooks/${token}`;
}

/** Signing secrets are sealed with the destinations' key, bound to their source. */
const SEALED_PREFIX = 'v1:';
function secretContext(workspaceId: string, sourceId: string): string {
  return `webhook-source:${workspaceId}:${sourceId}`;
}

interface Row {
  workspace_id: string;
  source_id: string;
  token: string;
  preset: string | null;
  mapping: string;
  signature: string | null;
  signing_secret: string | null;
  updated_at: string;
}

/** An inbound webhook as received: raw body bytes (signatures are over them) and headers. */
export interface InboundWebhook {
  readonly token: string;
  readonly body: Uint8Array;
  /** Lower-case header names. */
  readonly headers: Record<string, string>;
  readonly request: RequestInfo;
}

/**
 * Webhook sources: any system that can POST JSON feeds a source; its JSONata mapping turns each
 * payload into Segment calls, which go through the collector like Tracking API calls.
 */
export class WebhookSourcesService {
  // Compiled mappings by their text: compiling costs more than running on a small payload.
  private readonly compiled = new Map<string, jsonata.Expression>();

  constructor(
    private readonly store: Store,
    private readonly deps: { sources: SourcesService; collector: Collector; secrets: SecretBox },
  ) {}

  /** The presets, with their mapping and a sample payload. */
  presets() {
    return Object.values(PRESETS);
  }

  /** A webhook source's mapping; `not_found` when the source is not a webhook source or has none yet. */
  async get(workspaceId: string, sourceId: string): Promise<WebhookSource> {
    await this.webhookSource(workspaceId, sourceId);
    const row = await this.row(workspaceId, sourceId);
    if (!row) throw new AppError('not_found', `Source ${sourceId} has no webhook mapping yet`);
    return webhookSourceOf(row);
  }

  /** Sets a webhook source's mapping (from a preset or given), signature check and secret. */
  async put(workspaceId: string, sourceId: string, input: PutWebhookSource): Promise<WebhookSource> {
    await this.webhookSource(workspaceId, sourceId);
    const preset = input.preset ? PRESETS[input.preset] : undefined;
    const mapping = input.mapping ?? preset?.mapping;
    if (mapping === undefined) {
      throw new AppError('validation_failed', 'Give a preset or a mapping', {
        details: [{ path: 'mapping', message: 'give a preset or a mapping' }],
      });
    }
    this.expressionOf(mapping);
    const existing = await this.row(workspaceId, sourceId);
    const now = nowIso();
    // A preset switched to brings its sender's signature scheme, unless one is given.
    const presetChanged = preset !== undefined && input.preset !== existing?.preset;
    const signature =
      input.signature !== undefined
        ? input.signature
        : presetChanged
          ? preset.signature
          : (existing?.signature ?? preset?.signature ?? null);
    // The kept secret was the other sender's: checking with it would refuse every call.
    const schemeChanged =
      existing?.signing_secret != null &&
      existing.signature !== null &&
      signature !== null &&
      signature !== existing.signature;
    if (schemeChanged && input.signingSecret === undefined) {
      throw new AppError(
        'validation_failed',
        `Invalid signingSecret: the signature check changes from ${existing.signature} to ${signature} and the kept secret is ${existing.signature}'s: give the new sender's signing secret`,
        {
          details: [
            { path: 'signingSecret', message: 'the kept secret belongs to another signature scheme' },
          ],
        },
      );
    }
    const signingSecret =
      input.signingSecret !== undefined
        ? input.signingSecret === null
          ? null
          : this.deps.secrets.seal(input.signingSecret, secretContext(workspaceId, sourceId))
        : (existing?.signing_secret ?? null);
    if (signingSecret !== null && signature === null) {
      throw new AppError('validation_failed', 'A signing secret needs the signature scheme it checks', {
        details: [{ path: 'signature', message: 'set "shopify" or "stripe" with a signing secret' }],
      });
    }
    const values = {
      preset: input.preset ?? (input.mapping === undefined ? (existing?.preset ?? null) : null),
      mapping,
      signature,
      signing_secret: signingSecret,
      updated_at: now,
    };
    if (existing) {
      await this.store.db
        .updateTable('webhook_sources')
        .set(values)
        .where('workspace_id', '=', workspaceId)
        .where('source_id', '=', sourceId)
        .execute();
    } else {
      await this.store.db
        .insertInto('webhook_sources')
        .values({
          workspace_id: workspaceId,
          source_id: sourceId,
          token: newSecret('whk_', 18),
          created_at: now,
          ...values,
        })
        .execute();
    }
    return this.get(workspaceId, sourceId);
  }

  /** Runs a mapping (the stored one, or `mapping`) on a sample payload: the calls and their problems. */
  async test(
    workspaceId: string,
    sourceId: string,
    input: { payload: unknown; mapping?: string | undefined; headers?: Record<string, string> | undefined },
  ): Promise<WebhookMappingResult> {
    let mapping = input.mapping;
    if (mapping === undefined) mapping = (await this.get(workspaceId, sourceId)).mapping;
    else await this.webhookSource(workspaceId, sourceId);
    const calls = await runMapping(
      this.expressionOf(mapping),
      input.payload,
      lowerCased(input.headers ?? {}),
    );
    const now = Date.now();
    const checked = prepareCalls(calls, {
      shared: undefined,
      request: { ip: undefined, userAgent: undefined },
      received: { ms: now, iso: new Date(now).toISOString() },
    });
    return {
      calls: calls.map((call) =>
        call !== null && typeof call === 'object' ? (call as Record<string, unknown>) : {},
      ),
      problems: checked.rejected.map(({ index, code, message }) => ({ index, code, message })),
    };
  }

  /** The plain signing secret: sealed at rest; rows written before sealing hold it as typed. */
  private signingSecretOf(row: Row, stored: string): string {
    return stored.startsWith(SEALED_PREFIX)
      ? this.deps.secrets.open(stored, secretContext(row.workspace_id, row.source_id))
      : stored;
  }

  /**
   * Takes an inbound webhook: checks its signature (when a secret is set), maps it, stores the
   * valid calls. Throws `not_found` for an unknown token, `unauthorized` for a bad signature,
   * `invalid_json` / `validation_failed` for a payload or mapping that gives nothing usable.
   */
  async receive(inbound: InboundWebhook): Promise<CollectResult & { calls: number }> {
    const row = await this.store.db
      .selectFrom('webhook_sources')
      .selectAll()
      .where('token', '=', inbound.token)
      .executeTakeFirst();
    const source = row && (await this.deps.sources.refOf(row.workspace_id, row.source_id, 'webhook'));
    if (!row || !source) throw new AppError('not_found', 'No webhook source has this URL');
    if (row.signing_secret !== null && row.signature !== null) {
      const problem = signatureProblem(
        row.signature as WebhookSignature,
        this.signingSecretOf(row, row.signing_secret),
        inbound.body,
        inbound.headers,
      );
      if (problem) throw new AppError('unauthorized', `Webhook refused: ${problem}`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(inbound.body).toString('utf8'));
    } catch {
      throw new AppError('invalid_json', 'The webhook body is not valid JSON');
    }
    const calls = await runMapping(this.expressionOf(row.mapping), payload, inbound.headers);
    if (calls.length === 0) return { stored: 0, duplicates: 0, rejected: [], calls: 0 };
    const result = await this.deps.collector.collect({
      source,
      calls,
      shared: undefined,
      request: inbound.request,
    });
    return { ...result, calls: calls.length };
  }

  private expressionOf(mapping: string): jsonata.Expression {
    let expression = this.compiled.get(mapping);
    if (!expression) {
      expression = compileMapping(mapping);
      if (this.compiled.size >= 1000) this.compiled.clear();
      this.compiled.set(mapping, expression);
    }
    return expression;
  }

  private async webhookSource(workspaceId: string, sourceId: string) {
    const source = await this.deps.sources.get(workspaceId, sourceId);
    if (source.kind !== 'webhook') {
      throw new AppError('conflict', `Source ${sourceId} is a ${source.kind} source, not a webhook source`);
    }
    return source;
  }

  private row(workspaceId: string, sourceId: string): Promise<Row | undefined> {
    return this.store.db
      .selectFrom('webhook_sources')
      .select([
        'workspace_id',
        'source_id',
        'token',
        'preset',
        'mapping',
        'signature',
        'signing_secret',
        'updated_at',
      ])
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
  }
}

function webhookSourceOf(row: Row): WebhookSource {
  return {
    sourceId: row.source_id,
    inboundPath: inboundPathOf(row.token),
    preset: (row.preset as WebhookPreset | null) ?? null,
    mapping: row.mapping,
    signature: (row.signature as WebhookSignature | null) ?? null,
    hasSigningSecret: row.signing_secret !== null,
    updatedAt: row.updated_at,
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
