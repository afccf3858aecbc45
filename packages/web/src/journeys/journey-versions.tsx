import { Anchor, Grid, Paper, Table, Text } from '@mantine/core';
import { ReactFlowProvider } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { JourneyCanvas } from './journey-canvas';
import { JourneyCanvasContext } from './journey-canvas-context';
import { fromDefinition } from './journey-graph';
import { pickerNames, useLoadJourneyPickers } from './journey-pickers';
import { journeysApi, journeysQueryKey } from './journeys-api';

/** The journey's published versions, newest first; one of them drawn, read-only. */
export function JourneyVersions({ journeyId }: { journeyId: string }) {
  const { workspace } = useCurrentSession();
  const versions = usePagedQuery([...journeysQueryKey(workspace.id), 'versions', journeyId], (cursor) =>
    journeysApi.versions(journeyId, cursor),
  );
  // Newest first, as the server pages them.
  const list = versions.items;
  const [shown, setShown] = useState<number | null>(null);
  const version = list.find((v) => v.version === shown) ?? list[0];
  const drawn = useMemo(() => (version ? fromDefinition(version.definition) : null), [version]);
  // The nodes name the templates, audiences and lists they point at, as on the editor's canvas.
  const pickers = useLoadJourneyPickers();
  const canvasInfo = { counts: null, entered: null, problems: [], names: pickerNames(pickers) };
  return (
    <QueryState isPending={versions.isPending} error={versions.error} refetch={versions.refetch}>
      {list.length === 0 || !version || !drawn ? (
        <Text c="dimmed">Not published yet.</Text>
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Table aria-label="Versions" verticalSpacing="xs" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Published</Table.Th>
                  <Table.Th ta="right">Steps</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((v) => (
                  <Table.Tr
                    key={v.version}
                    bg={v === version ? 'var(--mantine-color-blue-light)' : undefined}
                  >
                    <Table.Td>
                      <Anchor component="button" type="button" onClick={() => setShown(v.version)}>
                        v{v.version}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{formatDate(v.publishedAt)}</Table.Td>
                    <Table.Td ta="right">{v.definition.steps.length}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <LoadMoreButton {...versions} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Paper
              withBorder
              radius="md"
              h={520}
              style={{ overflow: 'hidden' }}
              aria-label={`Version ${version.version}`}
            >
              <JourneyCanvasContext.Provider value={canvasInfo}>
                <ReactFlowProvider key={version.version}>
                  <JourneyCanvas draft={drawn} onChange={() => undefined} readOnly />
                </ReactFlowProvider>
              </JourneyCanvasContext.Provider>
            </Paper>
          </Grid.Col>
        </Grid>
      )}
    </QueryState>
  );
}
