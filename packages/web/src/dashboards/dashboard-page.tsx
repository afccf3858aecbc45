import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  arrayMove,
  rectSortingStrategy,
  SortableContext,
  sortableKeyboardCoordinates,
} from '@dnd-kit/sortable';
import { Alert, Anchor, Button, EmptyState, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { type Dashboard, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { savedInsightsApi, savedInsightsQueryKey } from '../insights/insights-api';
import { QueryState } from '../shared/query-state';
import { DashboardTile } from './dashboard-tile';
import { dashboardsApi, dashboardsQueryKey } from './dashboards-api';
import { RenameDashboard } from './rename-dashboard';

/** `/dashboards/:id`: the tiles in a two-column grid, arranged by dragging, resized and removed in place. */
export function DashboardPage() {
  const { id = '' } = useParams();
  const { workspace, role } = useCurrentSession();
  const editable = roleAllows(role, 'insights:write');
  const queryClient = useQueryClient();
  const key = [...dashboardsQueryKey(workspace.id), 'one', id];
  const dashboard = useQuery({ queryKey: key, queryFn: () => dashboardsApi.get(id) });
  const change = useMutation({
    mutationFn: (action: () => Promise<Dashboard>) => action(),
    onSuccess: (next) => queryClient.setQueryData(key, next),
    // A refused change (such as an order made stale by someone else) shows the dashboard as it is.
    onError: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const current = dashboard.data;
    if (!current || !over || active.id === over.id) return;
    const ids = current.tiles.map((tile) => tile.id);
    const order = arrayMove(ids, ids.indexOf(String(active.id)), ids.indexOf(String(over.id)));
    // Shown at once; the server's answer replaces it.
    queryClient.setQueryData<Dashboard>(key, {
      ...current,
      tiles: order.flatMap((tileId) => current.tiles.filter((tile) => tile.id === tileId)),
    });
    change.mutate(() => dashboardsApi.reorderTiles(id, order));
  };

  return (
    <QueryState isPending={dashboard.isPending} error={dashboard.error} refetch={dashboard.refetch}>
      {dashboard.data ? (
        <Stack>
          <Group justify="space-between" align="flex-end">
            <div>
              <Anchor component={Link} to="/dashboards" size="sm">
                ← Dashboards
              </Anchor>
              <Title order={2}>{dashboard.data.name}</Title>
              {dashboard.data.description ? <Text c="dimmed">{dashboard.data.description}</Text> : null}
            </div>
            {editable ? (
              <Group align="flex-end">
                <RenameDashboard
                  dashboard={dashboard.data}
                  onSave={(patch) => change.mutate(() => dashboardsApi.update(id, patch))}
                />
                <AddInsight
                  onAdd={(insightId) =>
                    change.mutate(() => dashboardsApi.addTile(id, { insightId, width: 1 }))
                  }
                  pending={change.isPending}
                />
              </Group>
            ) : null}
          </Group>
          {change.error ? (
            <Alert color="red" role="alert">
              {errorMessage(change.error)}
            </Alert>
          ) : null}
          {dashboard.data.tiles.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <EmptyState
                title="This dashboard is empty"
                description="Add a saved insight with “Add insight” above, or open an insight and choose “Add to dashboard”."
              />
            </Paper>
          ) : (
            <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
              <SortableContext
                items={dashboard.data.tiles.map((tile) => tile.id)}
                strategy={rectSortingStrategy}
              >
                <div
                  data-testid="dashboard-grid"
                  style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 16 }}
                >
                  {dashboard.data.tiles.map((tile) => (
                    <DashboardTile
                      key={tile.id}
                      tile={tile}
                      editable={editable}
                      onResize={(width) => change.mutate(() => dashboardsApi.resizeTile(id, tile.id, width))}
                      onRemove={() => change.mutate(() => dashboardsApi.removeTile(id, tile.id))}
                    />
                  ))}
                </div>
              </SortableContext>
            </DndContext>
          )}
        </Stack>
      ) : null}
    </QueryState>
  );
}

function AddInsight({ onAdd, pending }: { onAdd: (insightId: string) => void; pending: boolean }) {
  const { workspace } = useCurrentSession();
  const [insightId, setInsightId] = useState<string | null>(null);
  const insights = useQuery({
    queryKey: [...savedInsightsQueryKey(workspace.id), 'list'],
    queryFn: savedInsightsApi.list,
  });
  const options = (insights.data?.data ?? []).map((insight) => ({ value: insight.id, label: insight.name }));
  return (
    <Group align="flex-end">
      <Select
        label="Saved insight"
        placeholder={options.length === 0 ? 'No saved insights yet' : 'Pick an insight'}
        data={options}
        value={insightId}
        onChange={setInsightId}
        searchable
        w={240}
      />
      <Button
        onClick={() => {
          if (insightId) onAdd(insightId);
          setInsightId(null);
        }}
        disabled={!insightId}
        loading={pending}
      >
        Add insight
      </Button>
    </Group>
  );
}
