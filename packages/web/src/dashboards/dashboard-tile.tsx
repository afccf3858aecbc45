import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Anchor, Button, Group, Paper, Stack, Text } from '@mantine/core';
import type { DashboardTile as Tile } from '@tandem/contract';
import { Link } from 'react-router';
import { InsightView } from '../insights/insight-view';

/** One saved insight on a dashboard: dragged by its handle, one or two columns wide. */
export function DashboardTile(props: {
  tile: Tile;
  editable: boolean;
  onResize: (width: number) => void;
  onRemove: () => void;
}) {
  const { tile } = props;
  const sortable = useSortable({ id: tile.id, disabled: !props.editable });
  return (
    <Paper
      ref={sortable.setNodeRef}
      withBorder
      radius="md"
      p="md"
      data-testid="dashboard-tile"
      aria-label={tile.insight.name}
      style={{
        gridColumn: `span ${tile.width}`,
        transform: CSS.Translate.toString(sortable.transform),
        transition: sortable.transition,
        opacity: sortable.isDragging ? 0.6 : 1,
        zIndex: sortable.isDragging ? 2 : undefined,
        minWidth: 0,
      }}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            {props.editable ? (
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Move ${tile.insight.name}`}
                style={{ cursor: 'grab', touchAction: 'none' }}
                {...sortable.attributes}
                {...sortable.listeners}
              >
                ⠿
              </ActionIcon>
            ) : null}
            <Anchor component={Link} to={`/insights/${encodeURIComponent(tile.insightId)}`} fw={600} truncate>
              {tile.insight.name}
            </Anchor>
          </Group>
          {props.editable ? (
            <Group gap={4} wrap="nowrap">
              <Button
                variant="subtle"
                size="compact-xs"
                onClick={() => props.onResize(tile.width === 1 ? 2 : 1)}
                aria-label={tile.width === 1 ? `Widen ${tile.insight.name}` : `Narrow ${tile.insight.name}`}
              >
                {tile.width === 1 ? 'Wider' : 'Narrower'}
              </Button>
              <Button
                variant="subtle"
                size="compact-xs"
                color="red"
                onClick={props.onRemove}
                aria-label={`Remove ${tile.insight.name}`}
              >
                Remove
              </Button>
            </Group>
          ) : null}
        </Group>
        {tile.insight.description ? (
          <Text size="sm" c="dimmed">
            {tile.insight.description}
          </Text>
        ) : null}
        <InsightView
          name={tile.insight.name}
          query={tile.insight.query}
          chart={tile.insight.chart}
          range={tile.insight.range}
          height={220}
        />
      </Stack>
    </Paper>
  );
}
