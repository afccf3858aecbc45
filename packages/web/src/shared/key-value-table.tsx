import { Table, Text } from '@mantine/core';
import { PersonalValue } from '../pii/masked-badge';
import { formatValue } from './format-value';

type KeyValueTableProps = {
  /** The table's accessible name, e.g. "Traits". */
  label: string;
  values: Record<string, unknown>;
  empty: string;
};

/** Named values (traits, computed traits) as a two-column table, sorted by name. */
export function KeyValueTable({ label, values, empty }: KeyValueTableProps) {
  const names = Object.keys(values).sort();
  if (names.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {empty}
      </Text>
    );
  }
  return (
    <Table aria-label={label} striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Value</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {names.map((name) => (
          <Table.Tr key={name}>
            <Table.Td>
              <Text ff="monospace" size="sm">
                {name}
              </Text>
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-word' }}>
              <PersonalValue value={values[name]}>{formatValue(values[name])}</PersonalValue>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
