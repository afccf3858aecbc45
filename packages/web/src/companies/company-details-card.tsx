import { Alert, Paper, Select, Stack, TagsInput, TextInput, Title } from '@mantine/core';
import type { Company, UpdateCompany } from '@tandem/contract';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { CustomFieldInputs } from '../people/custom-field-inputs';
import { useCanWriteCrm, useCrmMembers } from '../people/use-crm-members';
import { companiesApi } from './companies-api';

/** Name, domains, owner and custom fields of a company, saved as they change. */
export function CompanyDetailsCard({ company, onChanged }: { company: Company; onChanged: () => unknown }) {
  const canWrite = useCanWriteCrm();
  const members = useCrmMembers();
  const [name, setName] = useState(company.name);
  const update = useMutation({
    mutationFn: (patch: UpdateCompany) => companiesApi.update({ companyId: company.id, patch }),
    onSuccess: onChanged,
  });
  return (
    <Paper withBorder p="sm" component="section" aria-label="Details">
      <Title order={4} mb="xs">
        Details
      </Title>
      <Stack gap="xs">
        <TextInput
          label="Name"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          onBlur={() =>
            name.trim() !== '' && name.trim() !== company.name && update.mutate({ name: name.trim() })
          }
          disabled={!canWrite}
        />
        <TagsInput
          label="Domains"
          placeholder={canWrite ? 'acme.com, then Enter' : undefined}
          value={company.domains}
          onChange={(domains) => update.mutate({ domains })}
          disabled={!canWrite}
        />
        <Select
          label="Owner"
          placeholder="Nobody"
          data={members.options}
          value={company.ownerId}
          onChange={(ownerId) => update.mutate({ ownerId })}
          clearable
          disabled={!canWrite}
        />
        <CustomFieldInputs
          entity="company"
          values={company.fields}
          onSave={(fields) => update.mutate({ fields })}
          disabled={!canWrite}
        />
        {update.error && (
          <Alert color="red" role="alert">
            {errorMessage(update.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
