import { ActionIcon, Alert, Group, Menu, Select } from '@mantine/core';
import type { SavedView, SavedViewEntity } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useViews } from './use-views';
import { viewsApi, viewsQueryKey } from './views-api';

type ViewPickerProps = {
  entity: SavedViewEntity;
  /** The view shown, or null for the list without a view. */
  viewId: string | null;
  onChange: (view: SavedView | null) => void;
  /** What the list is called without a view ("All people"). */
  allLabel: string;
};

/**
 * Picks a saved view of a list: the caller's own and those shared with the workspace, and, for
 * a view the caller may edit, shares, stops sharing or deletes it.
 */
export function ViewPicker({ entity, viewId, onChange, allLabel }: ViewPickerProps) {
  const views = useViews(entity);
  const { user, workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  const all = views.data ?? [];
  const selected = all.find((view) => view.id === viewId) ?? null;
  const done = () => queryClient.invalidateQueries({ queryKey: viewsQueryKey(workspace.id) });
  const share = useMutation({
    mutationFn: (view: SavedView) => viewsApi.update(view.id, { shared: !view.shared }),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: (view: SavedView) => viewsApi.remove(view.id),
    onSuccess: async () => {
      onChange(null);
      await done();
    },
  });

  const mine = all.filter((view) => view.ownerId === user.id);
  const shared = all.filter((view) => !mine.includes(view));
  const data = [
    { group: 'List', items: [{ value: '', label: allLabel }] },
    ...(mine.length > 0 ? [{ group: 'Your views', items: mine.map(option) }] : []),
    ...(shared.length > 0 ? [{ group: 'Shared with the workspace', items: shared.map(option) }] : []),
  ];
  const failure = views.error ?? share.error ?? remove.error;

  return (
    <div>
      <Group gap="xs" wrap="nowrap" align="end">
        <Select
          label="View"
          data={data}
          value={selected?.id ?? ''}
          onChange={(value) => onChange(all.find((view) => view.id === value) ?? null)}
          allowDeselect={false}
          w={260}
          disabled={views.isPending}
        />
        {selected?.editable && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="default" size="lg" aria-label={`Manage view ${selected.name}`}>
                ⋯
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => share.mutate(selected)}>
                {selected.shared ? 'Stop sharing with the workspace' : 'Share with the workspace'}
              </Menu.Item>
              <Menu.Item color="red" onClick={() => remove.mutate(selected)}>
                Delete view “{selected.name}”
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      {failure ? (
        <Alert color="red" role="alert" mt="xs" maw={520}>
          {errorMessage(failure)}
        </Alert>
      ) : null}
    </div>
  );
}

function option(view: SavedView) {
  return { value: view.id, label: view.shared ? `${view.name} (shared)` : view.name };
}
