import { Alert, Badge, Button, Grid, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import type { Journey, JourneyDefinition } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { sentence } from '../rules/rule-model';
import { RulePickersContext, useLoadRulePickers } from '../rules/rule-pickers';
import { JourneyCanvas } from './journey-canvas';
import { JourneyCanvasContext } from './journey-canvas-context';
import { autoLayout, emptyDraft, fromDefinition } from './journey-graph';
import { JourneyPickersContext, pickerNames, useLoadJourneyPickers } from './journey-pickers';
import { JourneyProblemsContext, notNamedBy } from './journey-problems';
import { type JourneyProblem, journeysApi, journeysQueryKey, problemsOfError } from './journeys-api';
import { ProblemsList } from './problems-list';
import { PublishDialog } from './publish-dialog';
import { SidePanel } from './side-panel';
import { StepPalette } from './step-palette';
import { useJourneyDraft } from './use-journey-draft';

/** How often the canvas refreshes its live counts per step. */
const REPORT_REFRESH_MS = 3_000;

type JourneyEditorProps = {
  /** The journey edited; absent for a new one. */
  journey?: Journey | undefined;
  /** After the first save of a new journey. */
  onCreated?: (journey: Journey) => void;
};

/** The journey canvas with its palette, the selected node's panel, validation and publishing. */
export function JourneyEditor({ journey, onCreated }: JourneyEditorProps) {
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  const rulePickers = useLoadRulePickers();
  const pickers = useLoadJourneyPickers();
  const editor = useJourneyDraft(() => (journey ? fromDefinition(journey) : emptyDraft()));
  const { draft, built } = editor;
  const [serverProblems, setServerProblems] = useState<JourneyProblem[] | null>(null);
  const [checked, setChecked] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: journeysQueryKey(workspace.id) });

  const report = useQuery({
    queryKey: [...journeysQueryKey(workspace.id), 'report', journey?.id],
    queryFn: () => journeysApi.report(journey?.id ?? ''),
    enabled: journey !== undefined && journey.version > 0,
    refetchInterval: REPORT_REFRESH_MS,
  });

  const save = useMutation({
    mutationFn: async (definition: JourneyDefinition) =>
      journey ? journeysApi.update(journey.id, definition) : journeysApi.create(definition),
    onError: (error, definition) => {
      const named = problemsOfError(error, definition);
      // A refused draft: show what the canvas knows is unfilled too, in its own words.
      if (named.length > 0) setChecked(true);
      setServerProblems(named);
    },
    onSuccess: async (saved, definition) => {
      editor.markSaved(JSON.stringify(definition));
      setServerProblems(null);
      await invalidate();
      if (!journey) onCreated?.(saved);
    },
  });
  const validate = useMutation({
    mutationFn: (definition: JourneyDefinition) => journeysApi.validate(definition),
    onSuccess: (result) =>
      setServerProblems(result.problems.map((p) => ({ ...p, message: sentence(p.message) }))),
    onError: (error, definition) => setServerProblems(problemsOfError(error, definition)),
  });
  const publish = useMutation({
    mutationFn: async (inFlight: 'stay' | 'migrate') => {
      if (!journey) throw new Error('a new journey is saved before it is published');
      if (editor.dirty) await journeysApi.update(journey.id, built.definition);
      return journeysApi.publish(journey.id, inFlight);
    },
    onSuccess: async () => {
      editor.markSaved(JSON.stringify(built.definition));
      setPublishing(false);
      setChecked(false);
      validate.reset();
      await invalidate();
    },
    onError: (error) => {
      const problems = problemsOfError(error);
      if (problems.length > 0) {
        setServerProblems(problems);
        setPublishing(false);
      }
    },
  });

  // Nothing to publish: the live version is the draft and nothing changed since.
  const upToDate =
    journey !== undefined && journey.version > 0 && !journey.hasUnpublishedChanges && !editor.dirty;
  const localProblems = checked ? built.problems : [];
  const problems = [...localProblems, ...notNamedBy(serverProblems ?? [], localProblems)];
  /** Problems the canvas can tell first; when there are none, the server's (references, loops…). */
  const check = async () => {
    setChecked(true);
    validate.reset();
    if (built.problems.length > 0) {
      setServerProblems(null);
      return false;
    }
    const result = await validate.mutateAsync(built.definition).catch(() => null);
    return result?.valid === true;
  };

  // An edited step (or entry) drops the server's problems about it: they were about what it was.
  const forgetStepProblems = (stepId: string) =>
    setServerProblems((current) => current?.filter((p) => p.stepId !== stepId) ?? null);
  const panelEditor = {
    ...editor,
    updateStep: (stepId: string, data: Parameters<typeof editor.updateStep>[1]) => {
      editor.updateStep(stepId, data);
      forgetStepProblems(stepId);
    },
    removeBranch: (stepId: string, index: number) => {
      editor.removeBranch(stepId, index);
      forgetStepProblems(stepId);
    },
    updateEntry: (data: Parameters<typeof editor.updateEntry>[0]) => {
      editor.updateEntry(data);
      setServerProblems((current) => current?.filter((p) => !p.field.startsWith('entry')) ?? null);
    },
  };

  const canvasInfo = {
    counts: report.data ? new Map(report.data.steps.map((s) => [s.stepId, s])) : null,
    entered: report.data?.entered ?? null,
    problems,
    names: pickerNames(pickers),
  };

  return (
    <RulePickersContext.Provider value={rulePickers}>
      <JourneyPickersContext.Provider value={pickers}>
        <JourneyProblemsContext.Provider value={problems}>
          <JourneyCanvasContext.Provider value={canvasInfo}>
            <Stack>
              <Group justify="space-between" align="flex-end">
                <TextInput
                  label="Journey name"
                  placeholder="e.g. Welcome series"
                  value={draft.name}
                  onChange={(event) => {
                    const name = event.currentTarget.value;
                    editor.change((current) => ({ ...current, name }));
                  }}
                  error={checked && draft.name.trim() === '' ? 'Give the journey a name.' : undefined}
                  w={360}
                />
                <Group gap="xs">
                  {editor.dirty ? (
                    <Badge color="yellow" variant="light">
                      Unsaved changes
                    </Badge>
                  ) : null}
                  <Button variant="default" loading={validate.isPending} onClick={() => void check()}>
                    Check
                  </Button>
                  <Button
                    variant="default"
                    loading={save.isPending}
                    disabled={draft.name.trim() === ''}
                    onClick={() => save.mutate(built.definition)}
                  >
                    Save draft
                  </Button>
                  <Button
                    disabled={!journey || upToDate}
                    title={
                      !journey
                        ? 'Save the draft first'
                        : upToDate
                          ? 'The live version is this draft'
                          : undefined
                    }
                    onClick={async () => {
                      publish.reset();
                      if (await check()) setPublishing(true);
                    }}
                  >
                    Publish…
                  </Button>
                </Group>
              </Group>
              {[save.error, validate.error].map((error) =>
                error && problems.length === 0 ? (
                  <Alert
                    key={String(error)}
                    color="red"
                    variant="light"
                    role="alert"
                    title="Could not save or check"
                  >
                    {errorMessage(error)}
                  </Alert>
                ) : null,
              )}
              {checked && problems.length === 0 && !validate.isPending && validate.isSuccess ? (
                <Alert color="green" variant="light">
                  Ready to publish: no problems found.
                </Alert>
              ) : null}
              <ProblemsList problems={problems} onSelect={editor.select} />
              <Grid gap="md">
                <Grid.Col span={{ base: 12, md: 2 }}>
                  <StepPalette onAdd={editor.addStep} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 6, xl: 7 }}>
                  <Paper withBorder radius="md" h={640} style={{ overflow: 'hidden' }}>
                    <ReactFlowProvider>
                      <JourneyCanvas draft={draft} onChange={editor.change} />
                    </ReactFlowProvider>
                  </Paper>
                  <Group justify="space-between" align="flex-start" wrap="nowrap" mt={4}>
                    <Text size="xs" c="dimmed">
                      Drag from a handle at the bottom of a node to the top of another to link them; select a
                      link or a step and press Delete to remove it.
                    </Text>
                    <Button
                      variant="subtle"
                      size="compact-xs"
                      style={{ flexShrink: 0 }}
                      onClick={() =>
                        editor.change((current) => ({
                          ...current,
                          nodes: autoLayout(current.nodes, current.edges),
                        }))
                      }
                    >
                      Tidy layout
                    </Button>
                  </Group>
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 4, xl: 3 }}>
                  <Paper withBorder radius="md" p="md" aria-label="Node settings">
                    <SidePanel editor={panelEditor} journey={journey} />
                  </Paper>
                </Grid.Col>
              </Grid>
              <PublishDialog
                opened={publishing}
                onClose={() => setPublishing(false)}
                liveVersion={journey?.version ?? 0}
                pending={publish.isPending}
                error={publish.error}
                onPublish={(inFlight) => publish.mutate(inFlight)}
              />
            </Stack>
          </JourneyCanvasContext.Provider>
        </JourneyProblemsContext.Provider>
      </JourneyPickersContext.Provider>
    </RulePickersContext.Provider>
  );
}
