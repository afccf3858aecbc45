import { Button, CloseButton, Group, Stack, Text } from '@mantine/core';
import type { CatalogProperty } from '@tandem/contract';
import { opsFor, valueTypeOfCatalog } from './condition-ops';
import { NameSelect } from './name-select';
import { OpSelect } from './op-select';
import { newWhereRow, type WhereRow } from './rule-model';
import { useProblem } from './rule-problems';
import { ValueInput } from './value-input';

type WhereConditionsProps = {
  rows: readonly WhereRow[];
  onChange: (rows: WhereRow[]) => void;
  /** The event's properties seen in the data. */
  properties: readonly CatalogProperty[];
  /** Whose filters these are, for the inputs' names ("Order Completed"). */
  label: string;
};

/** Property filters of an event ("where total is at least 50"), each a row of pickers. */
export function WhereConditions({ rows, onChange, properties, label }: WhereConditionsProps) {
  const replace = (row: WhereRow) => onChange(rows.map((r) => (r.id === row.id ? row : r)));
  return (
    <Stack gap={6}>
      {rows.map((row, index) => (
        <WhereConditionRow
          key={row.id}
          row={row}
          first={index === 0}
          properties={properties}
          label={label}
          onChange={replace}
          onRemove={() => onChange(rows.filter((r) => r.id !== row.id))}
        />
      ))}
      <Group>
        <Button variant="subtle" size="compact-sm" onClick={() => onChange([...rows, newWhereRow()])}>
          + Property filter
        </Button>
      </Group>
    </Stack>
  );
}

type WhereConditionRowProps = {
  row: WhereRow;
  first: boolean;
  properties: readonly CatalogProperty[];
  label: string;
  onChange: (row: WhereRow) => void;
  onRemove: () => void;
};

function WhereConditionRow({ row, first, properties, label, onChange, onRemove }: WhereConditionRowProps) {
  const property = properties.find((p) => p.name === row.property);
  const propertyProblem = useProblem(row.id, 'property');
  const valueProblem = useProblem(row.id, 'value');
  return (
    <Group gap="xs" align="flex-start" wrap="wrap">
      <Text size="sm" c="dimmed" w={44} pt={6} ta="right">
        {first ? 'where' : 'and'}
      </Text>
      <NameSelect
        label={`${label} property`}
        placeholder="Property"
        options={properties.map((p) => ({ value: p.name, label: `${p.name} (${p.type})` }))}
        value={row.property}
        error={propertyProblem}
        width={170}
        onChange={(name) => {
          const type = valueTypeOfCatalog(properties.find((p) => p.name === name)?.type);
          const ops = opsFor(type);
          onChange({
            ...row,
            property: name,
            op: ops.includes(row.op) ? row.op : (ops[0] ?? 'eq'),
            value: { ...row.value, type },
          });
        }}
      />
      <OpSelect
        label={`${label} property`}
        ops={opsFor(property?.type)}
        value={row.op}
        onChange={(op) => onChange({ ...row, op })}
      />
      <ValueInput
        label={`${label} ${row.property || 'property'}`}
        op={row.op}
        value={row.value}
        examples={property?.examples}
        error={valueProblem}
        onChange={(value) => onChange({ ...row, value })}
      />
      <CloseButton aria-label="Remove property filter" onClick={onRemove} mt={4} />
    </Group>
  );
}
