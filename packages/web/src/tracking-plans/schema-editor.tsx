import { Tabs } from '@mantine/core';
import { PropertyTable } from './property-table';
import { RawSchemaEditor } from './raw-schema-editor';

type SchemaEditorProps = {
  /** "property" for an event, "trait" for identify. */
  noun: string;
  label: string;
  schema: Record<string, unknown>;
  onChange: (schema: Record<string, unknown>) => void;
  readOnly: boolean;
};

/** One schema, edited as a property table or as raw JSON Schema (re-read when its tab opens). */
export function SchemaEditor({ noun, label, schema, onChange, readOnly }: SchemaEditorProps) {
  return (
    <Tabs defaultValue="table" keepMounted={false} variant="outline">
      <Tabs.List>
        <Tabs.Tab value="table">{noun === 'trait' ? 'Traits' : 'Properties'}</Tabs.Tab>
        <Tabs.Tab value="json">JSON Schema</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="table" pt="xs">
        <PropertyTable noun={noun} schema={schema} onChange={onChange} readOnly={readOnly} />
      </Tabs.Panel>
      <Tabs.Panel value="json" pt="xs">
        <RawSchemaEditor label={label} schema={schema} onChange={onChange} readOnly={readOnly} />
      </Tabs.Panel>
    </Tabs>
  );
}
