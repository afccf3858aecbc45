import { Stack, Tabs, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useSearchParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { AccountSection } from './account-section';
import { MembersSection } from './members-section';
import { TokensSection } from './tokens-section';

/** `/settings?tab=…`: the workspace's members and API tokens, and the signed-in person's account. */
export function SettingsPage() {
  const session = useCurrentSession();
  const [params, setParams] = useSearchParams();
  const tabs = [
    { value: 'members', label: 'Members', panel: <MembersSection /> },
    ...(roleAllows(session.role, 'tokens:manage')
      ? [{ value: 'tokens', label: 'API tokens', panel: <TokensSection /> }]
      : []),
    { value: 'account', label: 'Your account', panel: <AccountSection /> },
  ];
  const requested = params.get('tab');
  const active = tabs.find((tab) => tab.value === requested)?.value ?? 'members';

  return (
    <Stack gap="lg" maw={1100}>
      <Title order={2}>Settings</Title>
      <Tabs
        value={active}
        onChange={(tab) => setParams(tab && tab !== 'members' ? { tab } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Panel key={tab.value} value={tab.value} pt="lg">
            {tab.panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
