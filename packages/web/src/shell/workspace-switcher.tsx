import { Select } from '@mantine/core';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useSwitchWorkspace } from '../auth/use-session-mutations';

export function WorkspaceSwitcher() {
  const session = useCurrentSession();
  const switchWorkspace = useSwitchWorkspace();
  const options = session.workspaces.map((workspace) => ({ value: workspace.id, label: workspace.name }));

  return (
    <Select
      aria-label="Workspace"
      data={options}
      value={session.workspace.id}
      allowDeselect={false}
      disabled={switchWorkspace.isPending}
      error={switchWorkspace.error ? errorMessage(switchWorkspace.error) : undefined}
      onChange={(workspaceId) => {
        if (workspaceId && workspaceId !== session.workspace.id) switchWorkspace.mutate(workspaceId);
      }}
      w={220}
      visibleFrom="xs"
    />
  );
}
