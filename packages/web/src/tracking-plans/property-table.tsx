import { ActionIcon, Button, Checkbox, Select, Table, TextInput } from '@mantine/core';
import { PROPERTY_TYPES, type PropertyRow, type PropertyType, rowsOf, withRows } from './schema-rows';

type PropertyTableProps = {
  /** What the rows describe: "property" or "trait". */
  noun: string;
  schema: Record<string, unknown>;
  onChange: (schema: Record<string, unknown>) => void;
  readOnly: boolean;
};

/** An object schema's top-level properties as an editable table: name, type, required. */
export function PropertyTable({ noun, schema, onChange, readOnly }: PropertyTableProps) {
  const rows = rowsOf(schema);
  const update = (next: PropertyRow[]) => onChange(withRows(schema, next));
  const change = (index: number, patch: Partial<PropertyRow>) =>
    update(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));

  return (
    <Table
      withTableBorder
      verticalSpacing={4}
      aria-label={noun === 'trait' ? 'Planned traits' : 'Planned properties'}
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{noun === 'trait' ? 'Trait' : 'Property'}</Table.Th>
          <Table.Th w={160}>Type</Table.Th>
          <Table.Th w={90}>Required</Table.Th>
          <Table.Th w={40} />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row, index) => (
          <Table.Tr key={row.name}>
            <Table.Td>
              <TextInput
                size="xs"
                aria-label={`${noun} name`}
                defaultValue={row.name}
                readOnly={readOnly}
                // Renamed on blur: a key per keystroke would remount the row under the cursor.
                onBlur={(event) => {
                  const name = event.currentTarget.value.trim();
                  if (name !== row.name && name !== '' && !rows.some((other) => other.name === name))
                    change(index, { name });
                }}
              />
            </Table.Td>
            <Table.Td>
              <Select
                size="xs"
                aria-label={`Type of ${row.name}`}
                data={[...PROPERTY_TYPES]}
                value={row.type}
                allowDeselect={false}
                disabled={readOnly}
                onChange={(type) => type && change(index, { type: type as PropertyType })}
              />
            </Table.Td>
            <Table.Td>
              <Checkbox
                aria-label={`${row.name} is required`}
                checked={row.required}
                disabled={readOnly}
                onChange={(event) => change(index, { required: event.currentTarget.checked })}
              />
            </Table.Td>
            <Table.Td>
              {!readOnly && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${row.name}`}
                  onClick={() => update(rows.filter((_, at) => at !== index))}
                >
                  ×
                </ActionIcon>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
        {!readOnly && (
          <Table.Tr>
            <Table.Td colSpan={4}>
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={() =>
                  update([...rows, { name: freeName(rows, noun), type: 'string', required: false }])
                }
              >
                Add {noun}
              </Button>
            </Table.Td>
          </Table.Tr>
        )}
      </Table.Tbody>
    </Table>
  );
}

/** A name no row has yet, to rename. */
function freeName(rows: readonly PropertyRow[], noun: string): string {
  for (let n = rows.length + 1; ; n++) {
    const name = `${noun}${n}`;
    if (!rows.some((row) => row.name === name)) return name;
  }
}
