import { Group, NumberInput, Select, Text } from '@mantine/core';
import type { CatalogValueType, ComputedTraitKind } from '@tandem/contract';
import { opsFor, valueTypeOfCatalog } from './condition-ops';
import { DurationInput } from './duration-input';
import { NameSelect } from './name-select';
import { OpSelect } from './op-select';
import type { AudienceNode, ComputedTraitNode, CountOp, EventNode, LeafNode, TraitNode } from './rule-model';
import { useRulePickers } from './rule-pickers';
import { useProblem } from './rule-problems';
import { ValueInput } from './value-input';
import { WhereConditions } from './where-conditions';

type EditorProps<T extends LeafNode> = { node: T; onChange: (node: T) => void };

/** The editor of one condition, by its kind. */
export function ConditionEditor({ node, onChange }: EditorProps<LeafNode>) {
  // Each branch hands back a node of the kind it was given.
  switch (node.kind) {
    case 'trait':
      return <TraitConditionEditor node={node} onChange={onChange} />;
    case 'event':
      return <EventConditionEditor node={node} onChange={onChange} />;
    case 'computedTrait':
      return <ComputedTraitConditionEditor node={node} onChange={onChange} />;
    case 'audience':
      return <AudienceConditionEditor node={node} onChange={onChange} />;
  }
}

const KIND_LABELS: Record<LeafNode['kind'], string> = {
  trait: 'Trait',
  event: 'Event',
  computedTrait: 'Computed trait',
  audience: 'Member of audience',
};

/** The condition's kind, small above its inputs. */
export function ConditionKind({ kind }: { kind: LeafNode['kind'] }) {
  return (
    <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
      {KIND_LABELS[kind]}
    </Text>
  );
}

/** A field's new type: the operator kept when it still applies, the value read as that type. */
function retyped<T extends TraitNode | ComputedTraitNode>(node: T, type: CatalogValueType | undefined): T {
  const ops = opsFor(type);
  return {
    ...node,
    op: ops.includes(node.op) ? node.op : (ops[0] ?? 'eq'),
    value: { ...node.value, type: valueTypeOfCatalog(type) },
  };
}

function TraitConditionEditor({ node, onChange }: EditorProps<TraitNode>) {
  const { traits } = useRulePickers();
  const trait = traits.find((t) => t.name === node.trait);
  return (
    <Group gap="xs" align="flex-start">
      <NameSelect
        label="Trait"
        placeholder="Pick a trait"
        options={traits.map((t) => ({ value: t.name, label: `${t.name} (${t.type})` }))}
        value={node.trait}
        error={useProblem(node.id, 'trait')}
        onChange={(name) =>
          onChange(retyped({ ...node, trait: name }, traits.find((t) => t.name === name)?.type))
        }
      />
      <OpSelect
        label="Trait"
        ops={opsFor(trait?.type)}
        value={node.op}
        onChange={(op) => onChange({ ...node, op })}
      />
      <ValueInput
        label={`Trait ${node.trait || ''}`.trim()}
        op={node.op}
        value={node.value}
        examples={trait?.examples}
        error={useProblem(node.id, 'value')}
        onChange={(value) => onChange({ ...node, value })}
      />
    </Group>
  );
}

/** The catalog type of a computed trait's values, by its kind. */
function typeOfKind(kind: ComputedTraitKind | undefined): CatalogValueType | undefined {
  if (kind === undefined) return undefined;
  if (['count', 'sum', 'avg', 'min', 'max', 'unique_count'].includes(kind)) return 'number';
  return kind === 'unique_list' ? 'array' : 'mixed';
}

function ComputedTraitConditionEditor({ node, onChange }: EditorProps<ComputedTraitNode>) {
  const { computedTraits } = useRulePickers();
  const trait = computedTraits.find((t) => t.name === node.computedTrait);
  return (
    <Group gap="xs" align="flex-start">
      <NameSelect
        label="Computed trait"
        placeholder="Pick a computed trait"
        nothingFound="No computed trait with this name"
        options={computedTraits.map((t) => ({ value: t.name, label: `${t.name} (${t.kind})` }))}
        value={node.computedTrait}
        error={useProblem(node.id, 'computedTrait')}
        onChange={(name) =>
          onChange(
            retyped(
              { ...node, computedTrait: name },
              typeOfKind(computedTraits.find((t) => t.name === name)?.kind),
            ),
          )
        }
      />
      <OpSelect
        label="Computed trait"
        ops={opsFor(typeOfKind(trait?.kind))}
        value={node.op}
        onChange={(op) => onChange({ ...node, op })}
      />
      <ValueInput
        label={`Computed trait ${node.computedTrait || ''}`.trim()}
        op={node.op}
        value={node.value}
        error={useProblem(node.id, 'value')}
        onChange={(value) => onChange({ ...node, value })}
      />
    </Group>
  );
}

function AudienceConditionEditor({ node, onChange }: EditorProps<AudienceNode>) {
  const { audiences } = useRulePickers();
  return (
    <Group gap="xs" align="flex-start">
      <NameSelect
        label="Audience"
        placeholder="Pick an audience"
        nothingFound="No other audience with this name"
        options={audiences.map((a) => ({ value: a.id, label: a.name }))}
        value={node.audienceId}
        error={useProblem(node.id, 'audience')}
        width={260}
        onChange={(audienceId) => onChange({ ...node, audienceId })}
      />
    </Group>
  );
}

type Frequency = 'once' | 'never' | 'times';
const FREQUENCIES = [
  { value: 'once', label: 'performed' },
  { value: 'never', label: 'did not perform' },
  { value: 'times', label: 'performed, counted' },
];
const COUNT_OPS: { value: CountOp; label: string }[] = [
  { value: 'gte', label: 'at least' },
  { value: 'gt', label: 'more than' },
  { value: 'eq', label: 'exactly' },
  { value: 'neq', label: 'not exactly' },
  { value: 'lte', label: 'at most' },
  { value: 'lt', label: 'fewer than' },
];

function frequencyOf(node: EventNode): Frequency {
  if (!node.count) return 'once';
  return node.count.op === 'eq' && node.count.text === '0' ? 'never' : 'times';
}

function EventConditionEditor({ node, onChange }: EditorProps<EventNode>) {
  const { events } = useRulePickers();
  const event = events.find((e) => e.name === node.event);
  const frequency = frequencyOf(node);
  const countProblem = useProblem(node.id, 'count');
  const withinProblem = useProblem(node.id, 'within');
  return (
    <div>
      <Group gap="xs" align="flex-start">
        <Select
          aria-label="Event frequency"
          data={FREQUENCIES}
          value={frequency}
          allowDeselect={false}
          w={150}
          onChange={(next) => {
            if (next === 'once') onChange({ ...node, count: undefined });
            if (next === 'never') onChange({ ...node, count: { op: 'eq', text: '0' } });
            if (next === 'times') onChange({ ...node, count: { op: 'gte', text: '2' } });
          }}
        />
        <NameSelect
          label="Event"
          placeholder="Pick an event"
          options={events.map((e) => ({
            value: e.name,
            label: `${e.name} (${e.count.toLocaleString()}${e.countCapped ? '+' : ''})`,
          }))}
          value={node.event}
          error={useProblem(node.id, 'event')}
          width={210}
          onChange={(name) => onChange({ ...node, event: name })}
        />
        {frequency === 'times' && node.count ? (
          <>
            <Select
              aria-label="Count operator"
              data={COUNT_OPS}
              value={node.count.op}
              allowDeselect={false}
              w={130}
              // The options are count ops.
              onChange={(op) =>
                node.count && onChange({ ...node, count: { ...node.count, op: (op ?? 'gte') as CountOp } })
              }
            />
            <NumberInput
              aria-label="Count"
              value={node.count.text}
              min={0}
              allowDecimal={false}
              allowNegative={false}
              w={90}
              error={countProblem}
              onChange={(next) =>
                node.count && onChange({ ...node, count: { ...node.count, text: String(next) } })
              }
            />
            <Text size="sm" pt={6}>
              times
            </Text>
          </>
        ) : null}
        <Select
          aria-label="Event window"
          data={[
            { value: 'ever', label: 'at any time' },
            { value: 'within', label: 'in the last' },
          ]}
          value={node.within === undefined ? 'ever' : 'within'}
          allowDeselect={false}
          w={125}
          onChange={(next) => onChange({ ...node, within: next === 'within' ? '30d' : undefined })}
        />
        {node.within !== undefined ? (
          <DurationInput
            label="Event window"
            value={node.within}
            error={withinProblem}
            onChange={(within) => onChange({ ...node, within })}
          />
        ) : null}
      </Group>
      <div style={{ marginTop: 6 }}>
        <WhereConditions
          rows={node.where}
          properties={event?.properties ?? []}
          label={node.event || 'Event'}
          onChange={(where) => onChange({ ...node, where })}
        />
      </div>
    </div>
  );
}
