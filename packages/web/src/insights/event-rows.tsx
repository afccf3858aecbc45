import { ActionIcon, Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { EventSelect } from './query-form-fields';

/** Most rows a query's list of events takes (the contract's limit). */
const MAX_ROWS = 10;

/**
 * A query's list of events (a trend's series, a funnel's steps): a row per event, each removable
 * while more than `minimum` remain, and an Add button. A row's own fields go `before` or `after`
 * its event picker, changing the row through `change`.
 */
export function EventRows<Row extends { event: string }>({
  noun,
  rows,
  minimum,
  blank,
  onChange,
  eventWidth,
  align,
  before,
  after,
}: {
  /** What a row is, in lower case ("series", "step"): it names the pickers and buttons. */
  noun: string;
  rows: readonly Row[];
  minimum: number;
  /** The row Add appends. */
  blank: Row;
  onChange: (rows: Row[]) => void;
  eventWidth?: number;
  /** `flex-end` keeps the fields on one line, their bottom edges level; `center` lets them wrap. */
  align: 'flex-end' | 'center';
  before?: (index: number) => ReactNode;
  after?: (row: Row, change: (fields: Partial<Row>) => void, index: number) => ReactNode;
}) {
  const label = `${noun[0]?.toUpperCase() ?? ''}${noun.slice(1)}`;
  const replace = (index: number, next: Row) => onChange(rows.map((row, i) => (i === index ? next : row)));
  return (
    <>
      {rows.map((row, index) => (
        <Group key={index} gap="xs" align={align} wrap={align === 'flex-end' ? 'nowrap' : 'wrap'}>
          {before?.(index)}
          <EventSelect
            width={eventWidth}
            label={`${label} ${index + 1} event`}
            value={row.event}
            onChange={(event) => replace(index, { ...row, event })}
          />
          {after?.(row, (fields) => replace(index, { ...row, ...fields }), index)}
          {rows.length > minimum ? (
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Remove ${noun} ${index + 1}`}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
              mb={align === 'flex-end' ? 6 : undefined}
            >
              ×
            </ActionIcon>
          ) : null}
        </Group>
      ))}
      <div>
        <Button
          variant="light"
          size="xs"
          disabled={rows.length >= MAX_ROWS}
          onClick={() => onChange([...rows, blank])}
        >
          {`Add ${noun}`}
        </Button>
      </div>
    </>
  );
}
