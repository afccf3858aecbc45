import { Alert, Button, Checkbox, Group, Popover, Select, Stack } from '@mantine/core';
import type { SavedViewEntity } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { SaveViewButton } from './save-view-button';
import type { ListView } from './use-list-view';
import { ViewPicker } from './view-picker';
import { exportUrl, viewsApi, viewsQueryKey } from './views-api';

type ViewBarProps = {
  entity: SavedViewEntity;
  /** What the list is called without a view ("All people"). */
  allLabel: string;
  view: ListView;
  /** Every column the list can show, in its default order. */
  columns: readonly { key: string; label: string }[];
  /** The sorts the server knows for this list. */
  sorts: readonly { value: string; label: string }[];
};

/**
 * A list's views: pick one, save what is shown (filters, sort, columns) as a new one or over
 * the picked one, choose the columns and the sort, and export the picked view (or the whole
 * list) as CSV.
 */
export function ViewBar({ entity, allLabel, view, columns, sorts }: ViewBarProps) {
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (viewId: string) => viewsApi.update(viewId, view.definition),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: viewsQueryKey(workspace.id) }),
  });
  const selected = view.selected;
  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="sm">
        <ViewPicker entity={entity} viewId={view.viewId} onChange={view.selectView} allLabel={allLabel} />
        <Select
          label="Sort"
          placeholder="Default order"
          data={sorts}
          value={view.sort ?? null}
          onChange={view.setSort}
          clearable
          w={200}
        />
        <ColumnChooser columns={columns} shown={view.columns} onChange={view.setColumns} />
        {selected?.editable && view.changed && (
          <Button variant="light" loading={save.isPending} onClick={() => save.mutate(selected.id)}>
            Update “{selected.name}”
          </Button>
        )}
        <SaveViewButton entity={entity} definition={view.definition} onSaved={view.selectView} />
        <Button
          component="a"
          variant="default"
          href={exportUrl(entity, view.viewId)}
          download={`${entity}.csv`}
          title={selected ? `The rows of “${selected.name}” as CSV` : `Every row of the list as CSV`}
        >
          Export CSV
        </Button>
      </Group>
      {save.error ? (
        <Alert color="red" role="alert" maw={520}>
          {errorMessage(save.error)}
        </Alert>
      ) : null}
    </Stack>
  );
}

/** Which columns the list shows, in the list's order. */
function ColumnChooser({
  columns,
  shown,
  onChange,
}: {
  columns: readonly { key: string; label: string }[];
  shown: readonly string[];
  onChange: (keys: string[]) => void;
}) {
  const toggle = (key: string, on: boolean) => {
    const next = new Set(shown);
    if (on) next.add(key);
    else next.delete(key);
    // At least one column stays.
    if (next.size > 0) onChange(columns.map((c) => c.key).filter((k) => next.has(k)));
  };
  return (
    <Popover position="bottom-start" withinPortal shadow="md">
      <Popover.Target>
        <Button variant="default">Columns</Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" role="group" aria-label="Columns shown">
          {columns.map((column) => (
            <Checkbox
              key={column.key}
              label={column.label}
              checked={shown.includes(column.key)}
              onChange={(event) => toggle(column.key, event.currentTarget.checked)}
            />
          ))}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
