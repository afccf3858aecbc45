import { Checkbox, CloseButton, Group, NumberInput, Paper, Stack, Text, TextInput } from '@mantine/core';
import { ConditionEditor } from '../rules/condition-editors';
import { opsFor } from '../rules/condition-ops';
import { OpSelect } from '../rules/op-select';
import type { TraitNode } from '../rules/rule-model';
import { useProblem } from '../rules/rule-problems';
import { ValueInput } from '../rules/value-input';
import type { ConditionKind, DraftCondition, RuleDraft } from './scoring-draft';

export const CONDITION_KIND_LABELS: Record<ConditionKind, string> = {
  trait: 'Trait',
  company: 'Company field',
  event: 'Event',
  computedTrait: 'Computed trait',
};

type ScoringRuleCardProps = {
  draft: RuleDraft;
  onChange: (draft: RuleDraft) => void;
  onRemove: () => void;
};

/** One rule: its name, points, condition (the audience builder's editors), per-event counting and decay. */
export function ScoringRuleCard({ draft, onChange, onRemove }: ScoringRuleCardProps) {
  const nameProblem = useProblem(draft.id, 'name');
  const pointsProblem = useProblem(draft.id, 'points');
  const decayProblem = useProblem(draft.id, 'decayDays');
  const perEventProblem = useProblem(draft.id, 'perEvent');
  const label = draft.name.trim() || 'new rule';
  const counts = draft.group === 'engagement' && draft.kind === 'event';
  const setCondition = (condition: DraftCondition) => onChange({ ...draft, condition });
  return (
    <Paper withBorder radius="sm" p="sm" role="group" aria-label={`Rule ${label}`}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="xs" align="flex-start">
            <TextInput
              aria-label="Rule name"
              placeholder="Rule name, e.g. Visited pricing"
              value={draft.name}
              error={nameProblem}
              w={240}
              onChange={(event) => onChange({ ...draft, name: event.currentTarget.value })}
            />
            <NumberInput
              aria-label="Points"
              value={draft.points}
              allowDecimal={false}
              error={pointsProblem}
              w={110}
              suffix=" pts"
              onChange={(next) => onChange({ ...draft, points: String(next) })}
            />
          </Group>
          <CloseButton aria-label={`Remove rule ${label}`} onClick={onRemove} />
        </Group>
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
            {CONDITION_KIND_LABELS[draft.kind]}
          </Text>
          {draft.kind === 'company' && draft.condition.kind === 'trait' ? (
            <CompanyFieldEditor node={draft.condition} onChange={setCondition} />
          ) : (
            // The editor hands back a node of the kind it was given.
            <ConditionEditor
              node={draft.condition}
              onChange={(node) => setCondition(node as DraftCondition)}
            />
          )}
        </div>
        {counts ? (
          <Group gap="lg" align="center">
            <Checkbox
              label="Points for each matching event"
              checked={draft.perEvent}
              error={perEventProblem}
              onChange={(event) => onChange({ ...draft, perEvent: event.currentTarget.checked })}
            />
            <Group gap={6} align="center">
              <Text size="sm">Fade to nothing over</Text>
              <NumberInput
                aria-label="Fade over days"
                placeholder="never"
                value={draft.decayDays}
                min={1}
                allowDecimal={false}
                allowNegative={false}
                error={decayProblem}
                w={90}
                onChange={(next) => onChange({ ...draft, decayDays: String(next) })}
              />
              <Text size="sm">days</Text>
            </Group>
          </Group>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** A condition on a field of the person's companies (from group calls): any company meeting it counts. */
function CompanyFieldEditor({ node, onChange }: { node: TraitNode; onChange: (node: TraitNode) => void }) {
  const fieldProblem = useProblem(node.id, 'trait');
  return (
    <Group gap="xs" align="flex-start">
      <TextInput
        aria-label="Company field"
        placeholder="e.g. industry"
        value={node.trait}
        error={fieldProblem}
        w={190}
        onChange={(event) => onChange({ ...node, trait: event.currentTarget.value })}
      />
      <OpSelect
        label="Company field"
        ops={opsFor(undefined)}
        value={node.op}
        onChange={(op) => onChange({ ...node, op })}
      />
      <ValueInput
        label={`Company ${node.trait || 'field'}`}
        op={node.op}
        value={node.value}
        error={useProblem(node.id, 'value')}
        onChange={(value) => onChange({ ...node, value })}
      />
    </Group>
  );
}
