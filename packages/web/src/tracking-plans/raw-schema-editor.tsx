import { Textarea } from '@mantine/core';
import { useState } from 'react';

type RawSchemaEditorProps = {
  label: string;
  schema: Record<string, unknown>;
  onChange: (schema: Record<string, unknown>) => void;
  readOnly: boolean;
};

/** The JSON Schema as text: applied whenever it parses to an object, an error shown otherwise. */
export function RawSchemaEditor({ label, schema, onChange, readOnly }: RawSchemaEditorProps) {
  const [text, setText] = useState(() => JSON.stringify(schema, null, 2));
  const [error, setError] = useState<string | null>(null);

  return (
    <Textarea
      label={label}
      autosize
      minRows={6}
      maxRows={24}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
      value={text}
      readOnly={readOnly}
      error={error}
      onChange={(event) => {
        const next = event.currentTarget.value;
        setText(next);
        try {
          const parsed: unknown = JSON.parse(next);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            setError('A JSON Schema is a JSON object');
            return;
          }
          setError(null);
          onChange(parsed as Record<string, unknown>); // checked to be an object just above
        } catch (parseError) {
          setError(parseError instanceof Error ? parseError.message : 'Not JSON');
        }
      }}
    />
  );
}
