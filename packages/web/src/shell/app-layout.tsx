import { AppShell, Burger, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { GlobalSearch, GlobalSearchButton } from '../search/global-search';
import { AppNav } from './app-nav';
import { PageLoading } from './page-loading';
import { UserMenu } from './user-menu';
import { WorkspaceSwitcher } from './workspace-switcher';
import { YourInvitations } from './your-invitations';

/** The frame of the signed-in app: header with workspace and user, navbar with the areas. */
export function AppLayout() {
  const [navOpened, nav] = useDisclosure(false);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Text fw={700} size="lg">
              Tandem
            </Text>
            <WorkspaceSwitcher />
          </Group>
          <Group wrap="nowrap" gap="sm">
            <GlobalSearchButton />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      {/* Scrolls on its own when the areas outgrow a short window (the page behind stays put). */}
      <AppShell.Navbar p="xs" aria-label="Main navigation" style={{ overflowY: 'auto' }}>
        {/* On small screens the navbar overlays the page; close it once an area is picked. */}
        <AppNav onNavigate={nav.close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <YourInvitations />
        {/* Areas load lazily (app-areas.ts): the frame stays while a page's code arrives. */}
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
      <GlobalSearch />
    </AppShell>
  );
}
