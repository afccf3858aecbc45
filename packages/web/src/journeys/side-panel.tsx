import { Button, Group, Stack, Title } from '@mantine/core';
import type { Journey } from '@tandem/contract';
import { BranchLinks } from './branch-links';
import { EntryPanel } from './entry-panel';
import { SettingsPanel } from './settings-panel';
import { StepPanel } from './step-panel';
import { StepRuns } from './step-runs';
import type { useJourneyDraft } from './use-journey-draft';

type SidePanelProps = { editor: ReturnType<typeof useJourneyDraft>; journey: Journey | undefined };

/** The selected node's fields and links, or the journey's settings when nothing is selected. */
export function SidePanel({ editor, journey }: SidePanelProps) {
  const { selected } = editor;
  if (!selected) {
    return (
      <Stack gap="sm">
        <Title order={5}>Journey settings</Title>
        <SettingsPanel
          settings={editor.draft.settings}
          whereRows={editor.draft.settingsWhereRows}
          onChange={(settings) => editor.change((current) => ({ ...current, settings }))}
          onWhereRowsChange={(settingsWhereRows) =>
            editor.change((current) => ({ ...current, settingsWhereRows }))
          }
        />
      </Stack>
    );
  }
  const links = (
    <BranchLinks
      node={selected}
      nodes={editor.draft.nodes}
      edges={editor.draft.edges}
      onChange={(edges) => editor.change((current) => ({ ...current, edges }))}
    />
  );
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={5}>{selected.type === 'entry' ? 'Entry' : 'Step'}</Title>
        <Button variant="subtle" size="compact-xs" onClick={() => editor.select(null)}>
          Journey settings
        </Button>
      </Group>
      {selected.type === 'entry' ? (
        <>
          <EntryPanel data={selected.data} onChange={editor.updateEntry} />
          {links}
        </>
      ) : (
        <>
          <StepPanel
            key={selected.id}
            data={selected.data}
            onChange={(data) => editor.updateStep(selected.id, data)}
            onRemoveBranch={(index) => editor.removeBranch(selected.id, index)}
          />
          {links}
          <Button
            variant="subtle"
            color="red"
            size="compact-sm"
            onClick={() => editor.removeStep(selected.id)}
          >
            Remove step
          </Button>
          {journey && journey.version > 0 ? <StepRuns journeyId={journey.id} stepId={selected.id} /> : null}
        </>
      )}
    </Stack>
  );
}
