import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import type { AssignmentRule, Team, UpdateTeam } from '@tandem/contract';
import { useState } from 'react';
import { useCanWriteCrm, useCrmMembers } from '../people/use-crm-members';

const WHEN_LABELS: Readonly<Record<AssignmentRule['when'], string>> = {
  lifecycleStage: 'Lifecycle stage is',
  leadStatus: 'Lead status is',
  tag: 'Has the tag',
  emailDomain: 'Email domain is',
};

/** A rule team's rules, in order: the first a person matches names their owner. */
export function TeamRules({ team, save }: { team: Team; save: (patch: UpdateTeam) => void }) {
  const canWrite = useCanWriteCrm();
  const members = useCrmMembers();
  const [when, setWhen] = useState<string>('emailDomain');
  const [equals, setEquals] = useState('');
  const [userId, setUserId] = useState<string | null>(null);
  return (
    <Stack gap="xs" mt="sm" aria-label={`Rules of ${team.name}`} component="section">
      <Text fw={500} size="sm">
        Rules (checked in order, then in turn)
      </Text>
      {team.rules.length === 0 && (
        <Text size="sm" c="dimmed">
          No rules yet.
        </Text>
      )}
      {team.rules.map((rule, index) => (
        <Group key={`${rule.when}:${rule.equals}:${rule.userId}`} gap="xs">
          <Text size="sm">
            {index + 1}. {WHEN_LABELS[rule.when]} <b>{rule.equals}</b> → {members.nameOf(rule.userId)}
          </Text>
          {canWrite && (
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              onClick={() => save({ rules: team.rules.filter((_, i) => i !== index) })}
            >
              Remove
            </Button>
          )}
        </Group>
      ))}
      {canWrite && (
        <Group align="flex-end">
          <Select
            label="When"
            data={Object.entries(WHEN_LABELS).map(([value, label]) => ({ value, label }))}
            value={when}
            onChange={(value) => setWhen(value ?? 'emailDomain')}
            allowDeselect={false}
            w={200}
          />
          <TextInput
            label="Value"
            value={equals}
            onChange={(e) => setEquals(e.currentTarget.value)}
            w={180}
          />
          <Select label="Owner" data={members.options} value={userId} onChange={setUserId} w={240} />
          <Button
            variant="light"
            disabled={equals.trim() === '' || !userId}
            onClick={() => {
              if (!userId) return;
              save({
                rules: [
                  ...team.rules,
                  { when: when as AssignmentRule['when'], equals: equals.trim(), userId },
                ],
              }); // one of WHEN_LABELS
              setEquals('');
            }}
          >
            Add rule
          </Button>
        </Group>
      )}
    </Stack>
  );
}
