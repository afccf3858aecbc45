import { Alert, Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { Company } from '@tandem/contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey } from '../people/crm-api';
import { useCanWriteCrm } from '../people/use-crm-members';
import { companiesApi } from './companies-api';

/** Other companies with one of this company's domains, each mergeable into this one. */
export function CompanyDuplicates({ company, onChanged }: { company: Company; onChanged: () => unknown }) {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const duplicates = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'companies', 'duplicates'],
    queryFn: companiesApi.duplicates,
  });
  const merge = useMutation({ mutationFn: companiesApi.merge, onSuccess: onChanged });
  const others = new Map<string, { id: string; name: string; domain: string }>();
  for (const group of duplicates.data?.data ?? []) {
    if (!company.domains.includes(group.domain)) continue;
    for (const other of group.companies) {
      if (other.id !== company.id) others.set(other.id, { ...other, domain: group.domain });
    }
  }
  if (others.size === 0) return null;
  return (
    <Paper withBorder p="sm" component="section" aria-label="Possible duplicates">
      <Title order={4} mb="xs">
        Possible duplicates
      </Title>
      <Stack gap="xs">
        {[...others.values()].map((other) => (
          <Group key={other.id} justify="space-between" wrap="nowrap">
            <Text size="sm">
              <Anchor component={Link} to={`/companies/${encodeURIComponent(other.id)}`}>
                {other.name}
              </Anchor>{' '}
              <Text span c="dimmed" size="sm">
                also {other.domain}
              </Text>
            </Text>
            {canWrite && (
              <Button
                size="xs"
                variant="light"
                loading={merge.isPending}
                onClick={() => merge.mutate({ companyId: company.id, otherId: other.id })}
              >
                Merge into this one
              </Button>
            )}
          </Group>
        ))}
        {merge.error && (
          <Alert color="red" role="alert">
            {errorMessage(merge.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
