import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, trackingWorkspace } from '../testing/index.js';

const day = (n: number) => `2024-03-${String(n).padStart(2, '0')}T10:00:00.000Z`;
const consenting = (preferences: Record<string, boolean>, proof: Record<string, string> = {}) => ({
  consent: { categoryPreferences: preferences },
  ...proof,
});

describe.each(ENGINES)('the consent center on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  const workspace = () => trackingWorkspace(engine);

  it('keeps the proof of each decision: the event’s IP and browser, the wording a page showed', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send({
      type: 'track',
      event: 'Cookie Banner Closed',
      userId: 'ann',
      timestamp: day(1),
      context: consenting({ marketing: false }, { ip: '203.0.113.7', userAgent: 'Firefox/128' }),
    });
    const ann = await profileOf('ann');
    await engine.consent.record(workspaceId, ann, {
      purposes: { marketing: true },
      source: 'preference_page',
      decidedAt: day(2),
      proof: { ip: '198.51.100.4', userAgent: 'Safari/17' },
      wordings: { marketing: { wording: 'Marketing: offers by email', version: '2024-01-01T00:00:00.000Z' } },
    });
    const { data } = await engine.consent.history(workspaceId, ann, { limit: 10 });
    expect(data.map((d) => [d.source.kind, d.granted, d.proof])).toEqual([
      [
        'preference_page',
        true,
        {
          ip: '198.51.100.4',
          userAgent: 'Safari/17',
          wording: 'Marketing: offers by email',
          wordingVersion: '2024-01-01T00:00:00.000Z',
        },
      ],
      ['event', false, { ip: '203.0.113.7', userAgent: 'Firefox/128', wording: null, wordingVersion: null }],
    ]);
    expect(data[1]?.source.eventId).toBeTruthy();
  });

  it('pages a person’s history newest first, by purpose if asked, and refuses a made-up cursor', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send({ type: 'identify', userId: 'bo', timestamp: day(1) });
    const bo = await profileOf('bo');
    for (let n = 1; n <= 5; n++)
      await engine.consent.record(workspaceId, bo, {
        purposes: { analytics: n % 2 === 0, marketing: n % 2 === 1 },
        source: 'import',
        decidedAt: day(n),
      });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.consent.history(workspaceId, bo, { limit: 3, cursor });
      expect(page.profileId).toBe(bo);
      seen.push(...page.data.map((d) => `${d.decidedAt.slice(8, 10)} ${d.purpose}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(seen.slice(0, 2).sort()).toEqual(['05 analytics', '05 marketing']);
    expect(seen.slice(-2).sort()).toEqual(['01 analytics', '01 marketing']);
    const marketing = await engine.consent.history(workspaceId, bo, { limit: 50, purpose: 'marketing' });
    expect(marketing.data.map((d) => [d.decidedAt, d.granted])).toEqual([
      [day(5), true],
      [day(4), false],
      [day(3), true],
      [day(2), false],
      [day(1), true],
    ]);
    await expect(
      engine.consent.history(workspaceId, bo, { limit: 5, cursor: 'nonsense' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('counts people granting and refusing each purpose, and lists the latest decisions', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send(
      { type: 'identify', userId: 'a', timestamp: day(1), context: consenting({ marketing: true }) },
      { type: 'identify', userId: 'b', timestamp: day(1), context: consenting({ marketing: false }) },
      {
        type: 'identify',
        userId: 'c',
        timestamp: day(1),
        context: consenting({ marketing: true, analytics: false }),
      },
    );
    const overview = await engine.consent.overview(workspaceId);
    const counts = Object.fromEntries(overview.purposes.map((p) => [p.key, [p.granted, p.withdrawn]]));
    expect(counts.marketing).toEqual([2, 1]);
    expect(counts.analytics).toEqual([0, 1]);
    expect(counts.personalization).toEqual([0, 0]);
    expect(overview.recent).toHaveLength(4);
    const people = new Set(await Promise.all(['a', 'b', 'c'].map(profileOf)));
    for (const decision of overview.recent) expect(people.has(decision.profileId)).toBe(true);
    // Another workspace sees none of it.
    const other = await workspace();
    expect((await engine.consent.overview(other.workspaceId)).recent).toEqual([]);
  });

  it('exports a person’s consent with its proof, and erases it without touching anyone else', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send(
      {
        type: 'identify',
        userId: 'dee',
        timestamp: day(1),
        context: consenting({ marketing: true }, { ip: '192.0.2.1' }),
      },
      { type: 'identify', userId: 'eve', timestamp: day(1), context: consenting({ marketing: false }) },
    );
    const [dee, eve] = [await profileOf('dee'), await profileOf('eve')];
    await engine.consent.record(workspaceId, dee, {
      purposes: { analytics: false },
      source: 'api',
      principal: 'u1',
    });
    const holder = engine.personData.find((h) => h.domain === 'consent');
    if (!holder) throw new Error('no consent holder');
    const person = { workspaceId, profileIds: [dee], identifiers: [{ type: 'user_id', value: 'dee' }] };
    const exported = (await holder.exportPerson(person)) as {
      states: { purpose: string; granted: boolean }[];
      history: {
        purpose: string;
        source: { kind: string; principal: string | null };
        proof: { ip: string | null };
      }[];
    };
    expect(exported.states.map((s) => [s.purpose, s.granted]).sort()).toEqual([
      ['analytics', false],
      ['marketing', true],
    ]);
    expect(exported.history.map((d) => [d.purpose, d.source.kind, d.proof.ip, d.source.principal])).toEqual([
      ['marketing', 'event', '192.0.2.1', null],
      ['analytics', 'api', null, 'u1'],
    ]);
    // Withdrawing analytics flipped it (granted by default): the flip waiting for destinations goes too.
    expect(await holder.erasePerson(person)).toEqual({
      consent_decisions: 2,
      consent_states: 2,
      consent_changes: 1,
    });
    expect(await holder.exportPerson(person)).toEqual({ states: [], history: [] });
    expect((await engine.consent.profileConsent(workspaceId, dee)).purposes.marketing?.basis).toBe('default');
    // Eve keeps hers; erasing again finds nothing.
    expect((await engine.consent.profileConsent(workspaceId, eve)).history).toHaveLength(1);
    expect(await holder.erasePerson(person)).toEqual({
      consent_decisions: 0,
      consent_states: 0,
      consent_changes: 0,
    });
  });
});
