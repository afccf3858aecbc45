import {
  Alert,
  Button,
  Group,
  Menu,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { type LeadScoreGroup, type LeadScoring, roleAllows } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { RulePickersContext, useLoadRulePickers } from '../rules/rule-pickers';
import { RuleProblemsContext, useProblem } from '../rules/rule-problems';
import { leadScoringApi, leadScoringQueryKey } from './lead-scoring-api';
import {
  CAPS_ID,
  type CapsDraft,
  type ConditionKind,
  draftsFrom,
  newRuleDraft,
  problemsOfServer,
  type RuleDraft,
  toSettings,
} from './scoring-draft';
import { CONDITION_KIND_LABELS, ScoringRuleCard } from './scoring-rule-card';

const GROUPS: { group: LeadScoreGroup; title: string; about: string; kinds: ConditionKind[] }[] = [
  {
    group: 'fit',
    title: 'Fit',
    about: 'Who the person is: traits and their company’s fields.',
    kinds: ['trait', 'company', 'computedTrait'],
  },
  {
    group: 'engagement',
    title: 'Engagement',
    about: 'What they did: events (counted, fading with age) and computed traits.',
    kinds: ['event', 'computedTrait', 'trait'],
  },
];

/** The rules of the score, grouped, with the caps; saving rescores everyone in the background. */
export function ScoringRulesSection({ scoring }: { scoring: LeadScoring }) {
  const { workspace, role } = useCurrentSession();
  const canEdit = roleAllows(role, 'crm:write');
  const queryClient = useQueryClient();
  const pickers = useLoadRulePickers();
  const initial = useMemo(() => draftsFrom(scoring), [scoring]);
  const [rules, setRules] = useState<RuleDraft[]>(initial.rules);
  const [caps, setCaps] = useState<CapsDraft>(initial.caps);
  const [triedToSave, setTriedToSave] = useState(false);
  const built = useMemo(() => toSettings(rules, caps), [rules, caps]);
  const save = useMutation({
    mutationFn: leadScoringApi.save,
    onSuccess: (saved) => queryClient.setQueryData([...leadScoringQueryKey(workspace.id), 'settings'], saved),
  });
  const serverProblems =
    save.error instanceof ApiError ? problemsOfServer(save.error.details, rules, built) : [];
  const problems = [...(triedToSave ? built.problems : []), ...serverProblems];
  const banner = save.error && serverProblems.length === 0 ? errorMessage(save.error) : null;
  const change = (next: RuleDraft) => setRules(rules.map((r) => (r.id === next.id ? next : r)));
  const submit = () => {
    setTriedToSave(true);
    if (built.settings) save.mutate(built.settings);
  };

  return (
    <RulePickersContext.Provider value={pickers}>
      <RuleProblemsContext.Provider value={problems}>
        <Paper withBorder p="md" component="section" aria-label="Scoring rules">
          <Title order={4} mb="sm">
            Rules
          </Title>
          <Stack gap="lg">
            {GROUPS.map(({ group, title, about, kinds }) => (
              <Stack key={group} gap="xs" role="group" aria-label={`${title} rules`}>
                <div>
                  <Text fw={600}>{title}</Text>
                  <Text size="sm" c="dimmed">
                    {about}
                  </Text>
                </div>
                {rules.some((r) => r.group === group) ? null : (
                  <Text size="sm" c="dimmed">
                    No {title.toLowerCase()} rules yet.
                  </Text>
                )}
                {rules
                  .filter((r) => r.group === group)
                  .map((draft) => (
                    <ScoringRuleCard
                      key={draft.id}
                      draft={draft}
                      onChange={change}
                      onRemove={() => setRules(rules.filter((r) => r.id !== draft.id))}
                    />
                  ))}
                {canEdit ? (
                  <Menu position="bottom-start" withinPortal>
                    <Menu.Target>
                      <Button variant="light" size="compact-sm" w="fit-content">
                        + Add {title.toLowerCase()} rule
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      {kinds.map((kind) => (
                        <Menu.Item key={kind} onClick={() => setRules([...rules, newRuleDraft(group, kind)])}>
                          {CONDITION_KIND_LABELS[kind]}
                        </Menu.Item>
                      ))}
                    </Menu.Dropdown>
                  </Menu>
                ) : null}
              </Stack>
            ))}
            <CapsInputs caps={caps} onChange={setCaps} />
            {banner ? (
              <Alert color="red" variant="light" role="alert" title="Could not save">
                {banner}
              </Alert>
            ) : null}
            {triedToSave && built.problems.length > 0 ? (
              <Alert color="orange" variant="light" role="alert">
                Some rules are not finished:{' '}
                {built.problems.length === 1 ? 'one field needs' : `${built.problems.length} fields need`}{' '}
                your attention (marked in red).
              </Alert>
            ) : null}
            {canEdit ? (
              <Group>
                <Button onClick={submit} loading={save.isPending}>
                  Save and rescore
                </Button>
                <RescoreStatus scoring={scoring} />
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                Your role can read the rules; sales, admins and owners change them.
              </Text>
            )}
          </Stack>
        </Paper>
      </RuleProblemsContext.Provider>
    </RulePickersContext.Provider>
  );
}

function CapsInputs({ caps, onChange }: { caps: CapsDraft; onChange: (caps: CapsDraft) => void }) {
  const fields: { field: keyof CapsDraft; label: string }[] = [
    { field: 'fit', label: 'Most fit points' },
    { field: 'engagement', label: 'Most engagement points' },
    { field: 'total', label: 'Highest score' },
  ];
  return (
    <div>
      <Text fw={600}>Caps</Text>
      <Text size="sm" c="dimmed" mb="xs">
        Each group’s points, and the whole score, stop at these (leave empty for no cap).
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} maw={620}>
        {fields.map(({ field, label }) => (
          <CapInput
            key={field}
            label={label}
            value={caps[field]}
            field={field}
            onChange={(v) => onChange({ ...caps, [field]: v })}
          />
        ))}
      </SimpleGrid>
    </div>
  );
}

function CapInput(props: { label: string; value: string; field: string; onChange: (value: string) => void }) {
  return (
    <NumberInput
      label={props.label}
      placeholder="no cap"
      value={props.value}
      min={0}
      allowDecimal={false}
      allowNegative={false}
      error={useProblem(CAPS_ID, props.field)}
      onChange={(next) => props.onChange(String(next))}
    />
  );
}

function RescoreStatus({ scoring }: { scoring: LeadScoring }) {
  if (scoring.updatedAt === null) return null;
  return (
    <Text size="sm" c="dimmed" role="status">
      {scoring.rescore.running
        ? `Rescoring everyone… ${scoring.rescore.scored.toLocaleString()} people so far.`
        : `Everyone is scored with these rules (${scoring.rescore.scored.toLocaleString()} people rescored after the last change).`}
    </Text>
  );
}
