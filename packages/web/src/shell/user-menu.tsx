import { Button, Group, Text } from '@mantine/core';
import { useCurrentSession } from '../auth/use-session';
import { useLogout } from '../auth/use-session-mutations';

export function UserMenu() {
  const session = useCurrentSession();
  const logout = useLogout();
  return (
    <Group gap="sm" wrap="nowrap">
      <Text size="sm" c="dimmed" visibleFrom="sm">
        {session.user.email}
      </Text>
      <Button variant="default" size="xs" loading={logout.isPending} onClick={() => logout.mutate()}>
        Log out
      </Button>
    </Group>
  );
}
