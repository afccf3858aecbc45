import {
  Alert,
  Button,
  FileInput,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { DEAL_ROLES, type DealRole, type ImportJob } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiClient } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ROLE_LABELS } from '../deals/deals-api';
import { customFieldsApi } from '../people/crm-api';
import {
  columnsOfFile,
  DEAL_IMPORT_FIELDS,
  type DealMappingState,
  dealMappingSpec,
  formatOfFile,
  guessDealMapping,
} from './deal-import-mapping';
import { sourceDebuggerQueryKey } from './source-debugger-api';

type RowsBecome = 'deal' | 'identify' | 'group' | 'track';

const KINDS: { value: RowsBecome; label: string }[] = [
  { value: 'deal', label: 'Deals' },
  { value: 'identify', label: 'People' },
  { value: 'group', label: 'Companies' },
  { value: 'track', label: 'Events' },
];
const EXAMPLE_MAPS: Record<Exclude<RowsBecome, 'deal'>, string> = {
  identify: 'userId=customer_id,traits.email=email,traits.name=name',
  group: 'userId=member_id,groupId=company_id,traits.name=company',
  track: 'userId=customer_id,properties.total=amount,timestamp=date',
};
const ROLE_OPTIONS = DEAL_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
const EMPTY_MAPPING: DealMappingState = { fields: {}, people: [], custom: {} };

/**
 * Uploads a CSV or NDJSON file into this source: rows become deals (each deal field mapped to a
 * column of the file, read from its header) or Segment calls (people, companies, events) with a
 * `target=column` mapping. The import runs in the background; the table below follows it.
 */
export function ImportFileForm({ sourceId }: { sourceId: string }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<RowsBecome>('deal');
  const [columns, setColumns] = useState<string[]>([]);
  const [mapping, setMapping] = useState<DealMappingState>(EMPTY_MAPPING);
  const [callMap, setCallMap] = useState('');
  const [event, setEvent] = useState('');
  const [currency, setCurrency] = useState('');
  const [started, setStarted] = useState<ImportJob | null>(null);
  const dealFields = useQuery({
    queryKey: ['crm', session.workspace.id, 'custom-fields', 'deal'],
    queryFn: () => customFieldsApi.list('deal'),
    select: (page) => page.data,
  });

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setStarted(null);
    // A comma in a header cannot be named in a target=column mapping.
    const found = chosen ? (await columnsOfFile(chosen)).filter((c) => !c.includes(',')) : [];
    setColumns(found);
    setMapping(guessDealMapping(found, dealFields.data ?? []));
  };

  const upload = useMutation({
    mutationFn: async () => {
      if (!file) throw new Error('Choose a file first');
      const query = new URLSearchParams({ fileName: file.name, format: formatOfFile(file), type: kind });
      query.set('map', kind === 'deal' ? dealMappingSpec(mapping) : callMap.trim());
      if (kind === 'deal' && currency.trim()) query.set('currency', currency.trim());
      if (kind === 'track' && event.trim()) query.set('event', event.trim());
      return apiClient.upload<ImportJob>(
        `/api/v1/sources/${encodeURIComponent(sourceId)}/imports?${query}`,
        file,
        formatOfFile(file) === 'ndjson' ? 'application/x-ndjson' : 'text/csv',
      );
    },
    onSuccess: async (job) => {
      setStarted(job);
      await queryClient.invalidateQueries({
        queryKey: sourceDebuggerQueryKey(session.workspace.id, sourceId),
      });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    upload.mutate();
  };

  const columnOptions = columns.map((column) => ({ value: column, label: column }));
  const columnSelect = (label: string, value: string | undefined, onChange: (column: string) => void) => (
    <Select
      aria-label={label}
      placeholder="Not imported"
      data={columnOptions}
      value={value ?? null}
      onChange={(column) => onChange(column ?? '')}
      clearable
      searchable
      size="xs"
    />
  );
  const setField = (target: keyof DealMappingState['fields'], column: string) =>
    setMapping((m) => ({ ...m, fields: { ...m.fields, [target]: column } }));
  const setPerson = (index: number, person: { column: string; role: DealRole }) =>
    setMapping((m) => ({ ...m, people: m.people.map((p, i) => (i === index ? person : p)) }));

  return (
    <form onSubmit={submit} aria-label="Import a file">
      <Stack gap="sm">
        <Group align="flex-end">
          <FileInput
            label="File"
            placeholder="A CSV or NDJSON file"
            accept=".csv,.ndjson,.jsonl,.json,text/csv"
            value={file}
            onChange={(chosen) => void chooseFile(chosen)}
            clearable
            w={320}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Rows become
            </Text>
            <SegmentedControl
              aria-label="Rows become"
              data={KINDS}
              value={kind}
              onChange={(value) => setKind(value as RowsBecome)}
            />
          </Stack>
        </Group>

        {kind === 'deal' ? (
          file && (
            <Stack gap="xs">
              {columns.length === 0 ? (
                <Alert color="yellow">No columns found in the file’s first line.</Alert>
              ) : (
                <Table aria-label="Deal fields" withTableBorder maw={760} verticalSpacing={4}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Deal field</Table.Th>
                      <Table.Th>Column of {file.name}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {DEAL_IMPORT_FIELDS.map((field) => (
                      <Table.Tr key={field.target}>
                        <Table.Td>
                          <Text size="sm">{field.label}</Text>
                          {field.hint && (
                            <Text size="xs" c="dimmed">
                              {field.hint}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {columnSelect(field.label, mapping.fields[field.target], (column) =>
                            setField(field.target, column),
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                    {mapping.people.map((person, index) => (
                      <Table.Tr key={`person-${index.toString()}`}>
                        <Table.Td>
                          <Select
                            aria-label={`Role of people column ${index + 1}`}
                            data={ROLE_OPTIONS}
                            value={person.role}
                            onChange={(role) =>
                              setPerson(index, { ...person, role: (role ?? 'other') as DealRole })
                            }
                            size="xs"
                            w={180}
                          />
                          <Text size="xs" c="dimmed">
                            People by email (found, else created)
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {columnSelect(`People column ${index + 1}`, person.column, (column) =>
                            setPerson(index, { ...person, column }),
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                    {(dealFields.data ?? []).map((field) => (
                      <Table.Tr key={field.key}>
                        <Table.Td>
                          <Text size="sm">{field.label}</Text>
                          <Text size="xs" c="dimmed">
                            Custom field ({field.type.replace('_', ' ')})
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {columnSelect(field.label, mapping.custom[field.key], (column) =>
                            setMapping((m) => ({ ...m, custom: { ...m.custom, [field.key]: column } })),
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
              <Group>
                <Button
                  variant="subtle"
                  size="xs"
                  onClick={() =>
                    setMapping((m) => ({
                      ...m,
                      people: [...m.people, { column: '', role: 'decision_maker' }],
                    }))
                  }
                >
                  Add a people column
                </Button>
              </Group>
              <TextInput
                label="Currency of rows without one"
                placeholder="EUR"
                maxLength={3}
                w={220}
                value={currency}
                onChange={(e) => setCurrency(e.currentTarget.value)}
              />
            </Stack>
          )
        ) : (
          <Group align="flex-end">
            <TextInput
              label="Mapping (target=column, comma separated)"
              placeholder={EXAMPLE_MAPS[kind]}
              value={callMap}
              onChange={(e) => setCallMap(e.currentTarget.value)}
              w={520}
            />
            {kind === 'track' && (
              <TextInput label="Event name" value={event} onChange={(e) => setEvent(e.currentTarget.value)} />
            )}
          </Group>
        )}

        {upload.error && (
          <Alert color="red" role="alert" title="The import did not start">
            {errorMessage(upload.error)}
          </Alert>
        )}
        {started && (
          <Alert color="green" role="status">
            Importing {started.fileName}: follow its progress below.
          </Alert>
        )}
        <Group>
          <Button type="submit" disabled={!file} loading={upload.isPending}>
            Import
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
