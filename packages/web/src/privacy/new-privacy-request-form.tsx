import {
  Alert,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import {
  PRIVACY_IDENTIFIER_TYPES,
  PRIVACY_REQUEST_TYPES,
  type PrivacyIdentifierType,
  type PrivacyRequestType,
} from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { privacyApi, privacyQueryKey, REQUEST_TYPE_LABELS } from './privacy-api';

const typeOptions = PRIVACY_REQUEST_TYPES.map((type) => ({ value: type, label: REQUEST_TYPE_LABELS[type] }));
const identifierOptions = PRIVACY_IDENTIFIER_TYPES.map((type) => ({ value: type, label: type }));

/** One line of a pasted list: `value` (of the chosen type) or `type,value`. */
function identifiersOf(text: string, defaultType: PrivacyIdentifierType) {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [first, ...rest] = line.split(',');
      const named = PRIVACY_IDENTIFIER_TYPES.find((type) => type === first?.trim());
      return named && rest.length > 0
        ? { type: named, value: rest.join(',').trim() }
        : { type: defaultType, value: line };
    });
}

/** Asks for a request about one person, or about every person of a pasted list. */
export function NewPrivacyRequestForm() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'one' | 'bulk'>('one');
  const [type, setType] = useState<PrivacyRequestType>('delete');
  const [identifierType, setIdentifierType] = useState<PrivacyIdentifierType>('email');
  const [value, setValue] = useState('');
  const [pasted, setPasted] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: privacyQueryKey(session.workspace.id) });
  const create = useMutation({
    mutationFn: async () => {
      if (mode === 'one')
        return [await privacyApi.create({ type, identifier: { type: identifierType, value } })];
      return (await privacyApi.bulk({ type, identifiers: identifiersOf(pasted, identifierType) })).data;
    },
    onSuccess: () => {
      setValue('');
      setPasted('');
      return refresh();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-label="New privacy request">
      <Stack gap="sm">
        <SegmentedControl
          w={280}
          value={mode}
          onChange={(next) => setMode(next as 'one' | 'bulk')}
          data={[
            { value: 'one', label: 'One person' },
            { value: 'bulk', label: 'Bulk paste' },
          ]}
        />
        <Group align="flex-end">
          <Select
            label="Request"
            data={typeOptions}
            value={type}
            onChange={(next) => next && setType(next as PrivacyRequestType)}
            allowDeselect={false}
            w={200}
          />
          <Select
            label="Identifier type"
            data={identifierOptions}
            value={identifierType}
            onChange={(next) => next && setIdentifierType(next as PrivacyIdentifierType)}
            allowDeselect={false}
            w={160}
          />
          {mode === 'one' && (
            <TextInput
              label="Identifier"
              placeholder="ada@example.com"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              required
              w={320}
            />
          )}
          {mode === 'one' && (
            <Button type="submit" loading={create.isPending} color={type === 'export' ? 'blue' : 'red'}>
              Submit request
            </Button>
          )}
        </Group>
        {mode === 'bulk' && (
          <>
            <Textarea
              label="Identifiers, one per line"
              description="A line is a value of the identifier type above, or type,value (up to 5,000 lines)"
              autosize
              minRows={4}
              maxRows={12}
              value={pasted}
              onChange={(e) => setPasted(e.currentTarget.value)}
              required
            />
            <Group>
              <Button
                type="submit"
                loading={create.isPending}
                disabled={pasted.trim() === ''}
                color={type === 'export' ? 'blue' : 'red'}
              >
                Submit {identifiersOf(pasted, identifierType).length} requests
              </Button>
            </Group>
          </>
        )}
        {create.isSuccess && (
          <Text c="green" size="sm" role="status">
            {create.data.length === 1 ? 'Request recorded.' : `${create.data.length} requests recorded.`} They
            run in the background; follow them below.
          </Text>
        )}
        {create.error && (
          <Alert color="red" role="alert">
            {errorMessage(create.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
