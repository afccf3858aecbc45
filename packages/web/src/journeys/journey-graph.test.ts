import type { JourneyDefinition } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import {
  autoLayout,
  ENTRY_NODE_ID,
  emptyDraft,
  fromDefinition,
  isStepNode,
  type JourneyDraft,
  newEdge,
  nextStepId,
  placeBelow,
  toDefinition,
  withoutBranch,
} from './journey-graph';
import { newStepFields } from './step-kinds';

/** A journey with every kind of link: plain, matched/timeout, yes/no and a three-way random split. */
const ABANDONED_CART: JourneyDefinition = {
  name: 'Abandoned cart',
  entry: { kind: 'event', event: 'Checkout Started', where: [{ property: 'total', op: 'gte', value: 50 }] },
  steps: [
    {
      id: 'wait',
      kind: 'wait_for_event',
      event: 'Order Completed',
      where: [{ property: 'currency', op: 'eq', value: 'EUR' }],
      timeout: '1h',
      next: { matched: 'done', timeout: 'vip' },
    },
    {
      id: 'vip',
      kind: 'split',
      condition: { trait: 'plan', op: 'eq', value: 'pro' },
      next: { yes: 'ab', no: 'remind' },
    },
    { id: 'ab', kind: 'random_split', weights: [45, 45, 10], next: ['remind', 'call', null] },
    { id: 'remind', kind: 'send_email', templateId: 'tpl_1', label: 'Reminder', next: 'done' },
    { id: 'call', kind: 'create_task', title: 'Call {{ traits.name }}', dueIn: '1d', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
  settings: {
    reEntry: 'after_exit',
    holdoutPercent: 10,
    overCap: 'skip',
    goal: { event: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 50 }] },
    exitWhen: { event: 'Account Closed', where: [{ property: 'reason', op: 'eq', value: 'fraud' }] },
  },
};

describe('journey canvas ↔ definition', () => {
  it('draws the entry, a node per step and an edge per link, one handle per branch', () => {
    const draft = fromDefinition(ABANDONED_CART);
    expect(draft.nodes.map((n) => n.id)).toEqual([
      ENTRY_NODE_ID,
      'wait',
      'vip',
      'ab',
      'remind',
      'call',
      'done',
    ]);
    const links = draft.edges.map((e) => `${e.source}.${e.sourceHandle}→${e.target}`);
    expect(links).toEqual([
      '@entry.next→wait',
      'wait.matched→done',
      'wait.timeout→vip',
      'vip.yes→ab',
      'vip.no→remind',
      'ab.0→remind',
      'ab.1→call',
      'remind.next→done',
      'call.next→done',
    ]);
  });

  it('gives back the same definition it was drawn from, with the positions it laid out', () => {
    const { definition, problems } = toDefinition(fromDefinition(ABANDONED_CART));
    expect(problems).toEqual([]);
    const { layout, ...rest } = definition;
    expect(rest).toEqual({
      ...ABANDONED_CART,
      settings: { ...ABANDONED_CART.settings },
    });
    expect(Object.keys(layout ?? {}).sort()).toEqual([
      '@entry',
      'ab',
      'call',
      'done',
      'remind',
      'vip',
      'wait',
    ]);
    // Laid out in rows by depth: the entry above its first step, the first step above what follows.
    expect(layout?.['@entry']?.y).toBeLessThan(layout?.wait?.y ?? 0);
    expect(layout?.wait?.y).toBeLessThan(layout?.vip?.y ?? 0);
  });

  it('keeps saved positions and round trips them', () => {
    const placed = { ...ABANDONED_CART, layout: { '@entry': { x: 5, y: 6 }, wait: { x: 100, y: 200 } } };
    const { definition } = toDefinition(fromDefinition(placed));
    expect(definition.layout?.['@entry']).toEqual({ x: 5, y: 6 });
    expect(definition.layout?.wait).toEqual({ x: 100, y: 200 });
  });

  it('makes the step the entry links to the first step, whatever order the nodes were drawn in', () => {
    const draft = emptyDraft();
    const email = {
      id: 'send_email_1',
      type: 'step' as const,
      position: { x: 0, y: 300 },
      data: { step: newStepFields('send_email', 'send_email_1') },
    };
    const delay = {
      id: 'delay_1',
      type: 'step' as const,
      position: { x: 0, y: 150 },
      data: { step: newStepFields('delay', 'delay_1') },
    };
    const drawn: JourneyDraft = {
      ...draft,
      name: 'Welcome',
      nodes: [...draft.nodes, email, delay],
      edges: [newEdge(ENTRY_NODE_ID, 'next', 'delay_1'), newEdge('delay_1', 'next', 'send_email_1')],
    };
    const { definition } = toDefinition(drawn);
    expect(definition.steps.map((s) => s.id)).toEqual(['delay_1', 'send_email_1']);
    expect(definition.steps[0]).toEqual({
      id: 'delay_1',
      kind: 'delay',
      duration: '1d',
      next: 'send_email_1',
    });
    expect(definition.steps[1]).toEqual({
      id: 'send_email_1',
      kind: 'send_email',
      templateId: '',
      next: null,
    });
  });

  it('names what the canvas alone can tell is missing: a first step, a link, unfinished filters', () => {
    expect(toDefinition(emptyDraft()).problems).toEqual([
      { field: 'steps', message: 'Add a first step from the palette.' },
      { field: 'name', message: 'Give the journey a name.' },
      { field: 'entry.event', message: 'Name the event that starts the journey.' },
    ]);
    const draft = fromDefinition(ABANDONED_CART);
    const unlinked = { ...draft, edges: draft.edges.filter((e) => e.source !== ENTRY_NODE_ID) };
    expect(toDefinition(unlinked).problems).toEqual([
      { field: 'entry', message: 'Connect the entry to the first step.' },
    ]);
    const wait = draft.nodes.find((n) => n.id === 'wait');
    if (!wait || !isStepNode(wait)) throw new Error('the wait step is drawn');
    const blankRow = {
      ...(wait.data.whereRows?.[0] ?? {
        id: 'r',
        op: 'eq' as const,
        value: { type: 'string' as const, text: '', list: [] },
      }),
      property: '',
    };
    const unfinished = {
      ...draft,
      nodes: draft.nodes.map((n) =>
        n.id === 'wait' ? { ...wait, data: { ...wait.data, whereRows: [blankRow] } } : n,
      ),
    };
    expect(toDefinition(unfinished).problems).toContainEqual({
      stepId: 'wait',
      field: 'where.property',
      message: 'Pick a property.',
    });
  });

  it('keeps the goal and exit filters when their event changes, and names an unfinished one', () => {
    const draft = fromDefinition(ABANDONED_CART);
    // The filters live beside the settings, as the where editor holds them: a new event keeps them.
    const renamed = { ...draft, settings: { ...draft.settings, goal: { event: 'Order Paid' } } };
    expect(toDefinition(renamed).definition.settings?.goal).toEqual({
      event: 'Order Paid',
      where: [{ property: 'total', op: 'gte', value: 50 }],
    });
    const [exitRow] = draft.settingsWhereRows.exitWhen;
    if (!exitRow) throw new Error('the exit filter is drawn');
    const unfinished = {
      ...draft,
      settingsWhereRows: { ...draft.settingsWhereRows, exitWhen: [{ ...exitRow, property: '' }] },
    };
    expect(toDefinition(unfinished).problems).toEqual([
      { field: 'settings.exitWhen.where.property', message: 'Pick a property.' },
    ]);
  });

  it('places new nodes under their parent, never on top of another, and numbers their ids', () => {
    const draft = fromDefinition(ABANDONED_CART);
    const wait = draft.nodes.find((n) => n.id === 'wait');
    const spot = placeBelow(wait, 0, draft.nodes);
    expect(spot.y).toBeGreaterThan(wait?.position.y ?? 0);
    expect(draft.nodes.some((n) => n.position.x === spot.x && n.position.y === spot.y)).toBe(false);
    expect(
      nextStepId('send_email', [...draft.nodes, { ...draft.nodes[1], id: 'send_email_1' } as never]),
    ).toBe('send_email_2');
    expect(autoLayout(draft.nodes, draft.edges).find((n) => n.id === ENTRY_NODE_ID)?.position).toEqual({
      x: 0,
      y: 0,
    });
  });

  it('lays every link out downwards, even one that skips rows (a timeout straight to the exit)', () => {
    const draft = fromDefinition(ABANDONED_CART);
    const y = new Map(autoLayout(draft.nodes, draft.edges).map((n) => [n.id, n.position.y]));
    for (const edge of draft.edges) expect(y.get(edge.target)).toBeGreaterThan(y.get(edge.source) ?? 0);
  });
});

describe('removing a random-split branch', () => {
  // Branches A 50 → x, B 30 → y, C 20 → z; B has no link in UNLINKED_B.
  const SPLIT: JourneyDefinition = {
    name: 'Three-way test',
    entry: { kind: 'event', event: 'Signed Up' },
    steps: [
      { id: 'ab', kind: 'random_split', weights: [50, 30, 20], next: ['x', 'y', 'z'] },
      { id: 'x', kind: 'exit' },
      { id: 'y', kind: 'exit' },
      { id: 'z', kind: 'exit' },
    ],
  };
  const UNLINKED_B: JourneyDefinition = {
    ...SPLIT,
    steps: SPLIT.steps.map((s) => (s.kind === 'random_split' ? { ...s, next: ['x', null, 'z'] } : s)),
  };
  const splitWithout = (definition: JourneyDefinition, index: number) =>
    toDefinition(withoutBranch(fromDefinition(definition), 'ab', index)).definition.steps.find(
      (s) => s.id === 'ab',
    );

  it.each([
    [0, [30, 20], ['y', 'z']],
    [1, [50, 20], ['x', 'z']],
    [2, [50, 30], ['x', 'y']],
  ])(
    'removing branch %i drops its link and keeps every other weight on its own path',
    (index, weights, next) => {
      expect(splitWithout(SPLIT, index)).toEqual({ id: 'ab', kind: 'random_split', weights, next });
    },
  );

  it('moves the links after the removed branch up one handle, an unlinked branch staying unlinked', () => {
    expect(splitWithout(UNLINKED_B, 0)).toMatchObject({ weights: [30, 20], next: [null, 'z'] });
    const draft = withoutBranch(fromDefinition(SPLIT), 'ab', 0);
    expect(draft.edges.filter((e) => e.source === 'ab').map((e) => `${e.id}→${e.target}`)).toEqual([
      'ab:0→y',
      'ab:1→z',
    ]);
  });
});
