import { Alert, Button, Grid, Group, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Audience, AudienceRule } from '@tandem/contract';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { usePurposes } from '../consent/consent-queries';
import { RuleEditor } from '../rules/rule-editor';
import {
  fromRule,
  type GroupNode,
  newGroup,
  newLeaf,
  problemsFromServer,
  sentence,
  toRule,
} from '../rules/rule-model';
import { RulePickersContext, useLoadRulePickers } from '../rules/rule-pickers';
import { RuleProblemsContext } from '../rules/rule-problems';
import { AudiencePreviewPanel } from './audience-preview-panel';
import { audiencesApi, audiencesQueryKey } from './audiences-api';

/** How long the rule rests before the preview counts it again. */
const PREVIEW_DEBOUNCE_MS = 400;

type AudienceBuilderProps = {
  /** The audience edited; absent for a new one. */
  audience?: Audience | undefined;
  onSaved: (audience: Audience) => void;
  onCancel?: (() => void) | undefined;
};

/** Name and rule of an audience, with a live count while editing; saves by create or update. */
export function AudienceBuilder({ audience, onSaved, onCancel }: AudienceBuilderProps) {
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  const pickers = useLoadRulePickers(audience?.id);
  const [name, setName] = useState(audience?.name ?? '');
  const [root, setRoot] = useState<GroupNode>(() =>
    audience ? fromRule(audience.rule) : newGroup('all', [newLeaf('trait')]),
  );
  const [requiredPurpose, setRequiredPurpose] = useState<string | null>(audience?.requiredPurpose ?? null);
  const purposes = usePurposes();
  const [triedToSave, setTriedToSave] = useState(false);
  const built = useMemo(() => toRule(root), [root]);
  const ruleJson = built.rule ? JSON.stringify(built.rule) : null;
  const [debouncedRule] = useDebouncedValue(ruleJson, PREVIEW_DEBOUNCE_MS);

  const preview = useQuery({
    queryKey: [...audiencesQueryKey(workspace.id), 'preview', debouncedRule, requiredPurpose],
    // The key's JSON is a rule the editor built.
    queryFn: () => audiencesApi.preview(JSON.parse(debouncedRule ?? '{}') as AudienceRule, requiredPurpose),
    enabled: debouncedRule !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });

  const save = useMutation({
    mutationFn: (rule: AudienceRule) =>
      audience
        ? audiencesApi.update(audience.id, { name, rule, requiredPurpose })
        : audiencesApi.create({ name, rule, requiredPurpose }),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: audiencesQueryKey(workspace.id) });
      onSaved(saved);
    },
  });

  const serverDetails = [save.error, preview.error].flatMap((e) => (e instanceof ApiError ? e.details : []));
  const serverProblems = problemsFromServer(serverDetails, built.paths);
  const problems = [...(triedToSave ? built.problems : []), ...serverProblems];
  const nameDetail =
    save.error instanceof ApiError ? save.error.details.find((d) => /(^|\.)name$/.test(d.path)) : undefined;
  const nameProblem =
    triedToSave && name.trim() === ''
      ? 'Give the audience a name.'
      : nameDetail && sentence(nameDetail.message);
  const purposeDetail = serverDetails.find((d) => /(^|\.)requiredPurpose$/.test(d.path));
  // A failure already shown next to its fields needs no second banner.
  const saveBanner =
    save.error && serverProblems.length === 0 && !nameDetail && !purposeDetail
      ? errorMessage(save.error)
      : null;

  const submit = () => {
    setTriedToSave(true);
    if (!built.rule || name.trim() === '') return;
    save.mutate(built.rule);
  };

  return (
    <RulePickersContext.Provider value={pickers}>
      <RuleProblemsContext.Provider value={problems}>
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 8, xl: 9 }}>
            <Stack>
              <TextInput
                label="Audience name"
                placeholder="e.g. Engaged pro customers"
                maxLength={200}
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                error={nameProblem}
                maw={420}
              />
              <RuleEditor root={root} onChange={setRoot} />
              <Select
                label="Only people who granted"
                description="A consent purpose members must have granted; whoever withdraws it leaves the audience."
                placeholder="No consent required"
                data={(purposes.data?.data ?? [])
                  .filter((purpose) => purpose.key !== 'necessary')
                  .map((purpose) => ({ value: purpose.key, label: purpose.label }))}
                value={requiredPurpose}
                onChange={setRequiredPurpose}
                error={purposeDetail && sentence(purposeDetail.message)}
                clearable
                maw={420}
              />
              {saveBanner ? (
                <Alert color="red" variant="light" role="alert" title="Could not save">
                  {saveBanner}
                </Alert>
              ) : null}
              {triedToSave && built.problems.length > 0 ? (
                <Alert color="orange" variant="light" role="alert">
                  Some conditions are not finished:{' '}
                  {built.problems.length === 1 ? 'one field needs' : `${built.problems.length} fields need`}{' '}
                  your attention (marked in red).
                </Alert>
              ) : null}
              <Group>
                <Button onClick={submit} loading={save.isPending}>
                  {audience ? 'Save changes' : 'Save audience'}
                </Button>
                {onCancel ? (
                  <Button variant="default" onClick={onCancel}>
                    Cancel
                  </Button>
                ) : null}
              </Group>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4, xl: 3 }}>
            <div style={{ position: 'sticky', top: 76 }}>
              <AudiencePreviewPanel
                preview={preview.data}
                fetching={preview.isFetching || ruleJson !== debouncedRule}
                error={serverProblems.length > 0 ? null : preview.error}
                waitingFor={
                  built.rule
                    ? serverProblems.length > 0
                      ? `Fix the marked fields to see who matches: ${serverProblems[0]?.message}`
                      : undefined
                    : `Finish the conditions to see who matches: ${built.problems[0]?.message ?? ''}`
                }
              />
            </div>
          </Grid.Col>
        </Grid>
      </RuleProblemsContext.Provider>
    </RulePickersContext.Provider>
  );
}
