import { ActionIcon, Table } from '@mantine/core';
import { type ReactNode, useState } from 'react';

type ExpandableRowProps = {
  /** Names the toggle for screen readers, e.g. "Payload of Order Completed". */
  label: string;
  /** How many cells `children` holds, so the detail row spans the whole table. */
  columns: number;
  detail: ReactNode;
  children: ReactNode;
};

/** A table row whose first cell toggles a full-width row of detail below it. */
export function ExpandableRow({ label, columns, detail, children }: ExpandableRowProps) {
  const [expanded, setExpanded] = useState(false);
  return (
    <>
      <Table.Tr>
        <Table.Td w={40}>
          <ActionIcon
            variant="subtle"
            size="sm"
            aria-label={label}
            aria-expanded={expanded}
            onClick={() => setExpanded((open) => !open)}
          >
            {expanded ? '▾' : '▸'}
          </ActionIcon>
        </Table.Td>
        {children}
      </Table.Tr>
      {expanded && (
        <Table.Tr>
          <Table.Td colSpan={columns + 1}>{detail}</Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
