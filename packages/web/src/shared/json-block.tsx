import { Code, ScrollArea } from '@mantine/core';

/** A payload as indented JSON: what was actually received, for rows expanded while debugging. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <ScrollArea.Autosize mah={360}>
      <Code block aria-label={label}>
        {JSON.stringify(value, null, 2)}
      </Code>
    </ScrollArea.Autosize>
  );
}
