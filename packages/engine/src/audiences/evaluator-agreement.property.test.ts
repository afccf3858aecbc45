import type { AudienceRule, ConditionOp, ConditionValue } from '@tandem/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { compileRule } from './compiled-rule.js';
import { eventReadsOf, loadProfileFacts } from './profile-facts.js';
import { ruleHolds } from './rule-evaluator.js';
import { previewRule, profilesMeeting } from './rule-query.js';

const NOW = Date.parse('2024-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const jsonValue = fc.oneof(
  fc.constantFrom('pro', 'free', 'Pro plan', 'team', '', 'x"y'),
  fc.constantFrom(0, 1, 2, 3.5, -1, 100),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: -40, max: 5 }).map((days) => iso(NOW + days * DAY)),
  fc.constant([1, 2]),
);
const operand: fc.Arbitrary<ConditionValue> = fc.oneof(
  fc.constantFrom('pro', 'free', 'Pro', 'plan', 'am', 'x"y'),
  fc.constantFrom(0, 1, 2, 3.5, 100),
  fc.boolean(),
  fc.constantFrom(['pro', 1], ['free', true]),
  fc.constantFrom('7d', '30d', '12h', '2024-05-20T00:00:00.000Z', '2024-06-01'),
);
const OPS: ConditionOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_contains', 'starts_with'];
const ops = fc.constantFrom<ConditionOp>(
  ...OPS,
  'ends_with',
  'in',
  'not_in',
  'exists',
  'not_exists',
  'before',
  'after',
  'within_last',
);
const TRAITS = ['plan', 'age', 'since'];
const EVENTS = ['Order', 'View'];

/** Rules whose operands fit their operators (the validator refuses the others; tested elsewhere). */
const validRule = (scope: Parameters<typeof compileRule>[1]) =>
  fc
    .letrec<{ rule: AudienceRule }>((tie) => ({
      rule: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ trait: fc.constantFrom(...TRAITS), op: ops, value: operand }),
        fc.record(
          {
            event: fc.constantFrom(...EVENTS),
            where: fc.array(
              fc.record({ property: fc.constantFrom('total', 'sku'), op: ops, value: operand }),
              {
                maxLength: 2,
              },
            ),
            count: fc.record({
              op: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'),
              value: fc.integer({ min: 0, max: 3 }),
            }),
            within: fc.constantFrom('1d', '7d', '30d', '90m'),
          },
          { requiredKeys: ['event'] },
        ),
        fc.record({ computedTrait: fc.constant('orders'), op: ops, value: operand }),
        fc.record({ audience: fc.constant('aud_other') }),
        fc.record({ all: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ not: tie('rule') }),
      ),
    }))
    .rule.map((rule) => compileRule(rule, scope))
    .filter((compiled) => compiled.ok);

const profileSpec = fc.record({
  traits: fc.dictionary(fc.constantFrom(...TRAITS), jsonValue, { maxKeys: 3 }),
  events: fc.array(
    fc.record({
      event: fc.constantFrom(...EVENTS, 'Other'),
      ageMinutes: fc.integer({ min: -60, max: 40 * 24 * 60 }),
      properties: fc.dictionary(fc.constantFrom('total', 'sku'), jsonValue, { maxKeys: 2 }),
    }),
    { maxLength: 5 },
  ),
  orders: fc.option(jsonValue, { nil: undefined }),
  member: fc.boolean(),
});

describe.each(ENGINES)('batch (SQL) and real-time (in-memory) audience evaluation on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let seq = 1;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('agree on every profile, for random rules and profiles', async () => {
    const scope = {
      computedTraits: new Map([['orders', { id: 'ctr_orders', fallback: 0 }]]),
      audiences: new Map([['aud_other', []]]),
    };
    await fc.assert(
      fc.asyncProperty(validRule(scope), fc.array(profileSpec, { maxLength: 6 }), async (compiled, specs) => {
        if (!compiled.ok) return;
        const { id: workspaceId } = await createWorkspace(engine.store, 'agreement');
        const db = engine.store.db;
        const ids = specs.map((_, i) => `prof_${i}`);
        for (const [i, spec] of specs.entries()) {
          const profileId = ids[i] as string;
          const at = iso(NOW);
          await db
            .insertInto('profiles')
            .values({
              workspace_id: workspaceId,
              profile_id: profileId,
              merged_into: null,
              event_count: 0,
              created_at: at,
              updated_at: at,
            })
            .execute();
          for (const [name, value] of Object.entries(spec.traits)) {
            await db
              .insertInto('profile_traits')
              .values({
                workspace_id: workspaceId,
                profile_id: profileId,
                name,
                value: JSON.stringify(value),
                value_text: null,
                priority: 0,
                set_at: at,
                message_id: 'm',
                first_seen: at,
                last_seen: at,
                previous_value: null,
              })
              .execute();
          }
          for (const e of spec.events) {
            const timestamp = iso(NOW - e.ageMinutes * 60_000);
            const payload = JSON.stringify({ type: 'track', event: e.event, properties: e.properties });
            const eventSeq = seq++;
            const event = await db
              .insertInto('events')
              .values({
                workspace_id: workspaceId,
                event_id: `evt_${eventSeq}_${workspaceId}`,
                source_id: 'src',
                message_id: `m${eventSeq}`,
                type: 'track',
                event: e.event,
                user_id: null,
                anonymous_id: 'a',
                timestamp,
                original_timestamp: null,
                sent_at: null,
                received_at: timestamp,
                payload,
              })
              .returning('seq')
              .executeTakeFirstOrThrow();
            await db
              .insertInto('profile_events')
              .values({
                seq: Number(event.seq),
                workspace_id: workspaceId,
                profile_id: profileId,
                timestamp,
                event: e.event,
              })
              .execute();
          }
          if (spec.orders !== undefined) {
            await db
              .insertInto('computed_trait_values')
              .values({
                workspace_id: workspaceId,
                trait_id: 'ctr_orders',
                profile_id: profileId,
                state: '{}',
                value: JSON.stringify(spec.orders),
                expires_at: null,
              })
              .execute();
          }
          if (spec.member) {
            await db
              .insertInto('audience_members')
              .values({
                workspace_id: workspaceId,
                audience_id: 'aud_other',
                profile_id: profileId,
                entered_at: at,
                exited_at: null,
              })
              .execute();
          }
        }
        const batch = await profilesMeeting({ db, kind, workspaceId, rule: compiled.value, now: NOW });
        const facts = await loadProfileFacts(db, workspaceId, ids, eventReadsOf([compiled.value]));
        const realTime = ids.filter((id) => {
          const ofProfile = facts.get(id);
          return ofProfile !== undefined && ruleHolds(compiled.value, ofProfile, NOW);
        });
        expect(batch.sort()).toEqual(realTime.sort());
        // The preview counts the same profiles and samples the first of them by id.
        const preview = await previewRule({ db, kind, workspaceId, rule: compiled.value, now: NOW }, 3);
        expect(preview).toEqual({ count: realTime.length, sample: [...realTime].sort().slice(0, 3) });
      }),
      { numRuns: kind === 'sqlite' ? 300 : 120 },
    );
  }, 180_000);
});
