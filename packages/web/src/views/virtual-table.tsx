import { Checkbox, Table, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, type ReactNode, useEffect, useRef } from 'react';

/** A column a list can show: its key (saved in views), its header and its cell. */
export type ListColumn<T> = {
  key: string;
  label: string;
  render: (item: T) => ReactNode;
  align?: 'left' | 'right';
};

type VirtualTableProps<T> = {
  label: string;
  items: readonly T[];
  /** The columns shown, in order. */
  columns: readonly ListColumn<T>[];
  rowKey: (item: T) => string;
  /** Check boxes to pick rows (a bulk edit); none when omitted. */
  selection?: {
    selected: ReadonlySet<string>;
    onSelect: (next: ReadonlySet<string>) => void;
    labelOf: (item: T) => string;
  };
  /** Loads the next page as the end of the loaded rows scrolls into sight. */
  paging: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  empty: ReactNode;
};

const ROW_HEIGHT = 41;
const OVERSCAN = 12;

/**
 * A list as a table whose rows are rendered only while in sight (plus a few): tens of thousands
 * of loaded rows scroll as smoothly as fifty. The header stays at the top of the scroll box.
 */
export function VirtualTable<T>({
  label,
  items,
  columns,
  rowKey,
  selection,
  paging,
  empty,
}: VirtualTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const selectionRef = useRef(selection);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = paging;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastShown >= items.length - OVERSCAN) fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, lastShown, items.length, fetchNextPage]);

  if (items.length === 0) return <Text c="dimmed">{empty}</Text>;
  const top = rows[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (rows.at(-1)?.end ?? 0);
  const span = columns.length + (selection ? 1 : 0);
  const allOn = selection !== undefined && items.every((item) => selection.selected.has(rowKey(item)));
  // Read at click time: a row not redrawn since keeps an older `toggle`.
  selectionRef.current = selection;
  const toggle = (key: string, on: boolean) => {
    const current = selectionRef.current;
    if (!current) return;
    const next = new Set(current.selected);
    if (on) next.add(key);
    else next.delete(key);
    current.onSelect(next);
  };

  return (
    <div
      ref={scrollRef}
      data-testid={`${label} scroller`}
      style={{ maxHeight: 'calc(100vh - 260px)', minHeight: 240, overflow: 'auto' }}
    >
      <Table
        aria-label={label}
        aria-rowcount={items.length + 1}
        striped
        highlightOnHover
        stickyHeader
        miw={720}
      >
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select everyone shown"
                  checked={allOn}
                  indeterminate={!allOn && selection.selected.size > 0}
                  onChange={(event) =>
                    selection.onSelect(event.currentTarget.checked ? new Set(items.map(rowKey)) : new Set())
                  }
                />
              </Table.Th>
            )}
            {columns.map((column) => (
              <Table.Th key={column.key} ta={column.align}>
                {column.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {top > 0 && (
            <tr aria-hidden>
              <td colSpan={span} style={{ height: top, padding: 0 }} />
            </tr>
          )}
          {rows.map((row) => {
            const item = items[row.index] as T;
            const key = rowKey(item);
            return (
              <Row
                key={key}
                item={item}
                index={row.index}
                columns={columns as readonly ListColumn<unknown>[]}
                checked={selection ? selection.selected.has(key) : undefined}
                checkLabel={selection ? `Select ${selection.labelOf(item)}` : ''}
                onCheck={(on) => toggle(key, on)}
              />
            );
          })}
          {bottom > 0 && (
            <tr aria-hidden>
              <td colSpan={span} style={{ height: bottom, padding: 0 }} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
      {isFetchingNextPage && (
        <Text size="sm" c="dimmed" ta="center" py="xs">
          Loading more…
        </Text>
      )}
    </div>
  );
}

type RowProps = {
  item: unknown;
  index: number;
  columns: readonly ListColumn<unknown>[];
  /** Its check box's state; no check box when undefined. */
  checked: boolean | undefined;
  checkLabel: string;
  onCheck: (on: boolean) => void;
};

/**
 * One row. Scrolling re-renders the table at every frame; a row whose item, columns and check
 * state are the same is not rendered again (the columns must keep their identity: memoize them).
 */
const Row = memo(
  function Row({ item, index, columns, checked, checkLabel, onCheck }: RowProps) {
    return (
      <Table.Tr aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
        {checked !== undefined && (
          <Table.Td>
            <Checkbox
              aria-label={checkLabel}
              checked={checked}
              onChange={(event) => onCheck(event.currentTarget.checked)}
            />
          </Table.Td>
        )}
        {columns.map((column) => (
          <Table.Td key={column.key} ta={column.align} style={{ whiteSpace: 'nowrap' }}>
            {column.render(item)}
          </Table.Td>
        ))}
      </Table.Tr>
    );
  },
  (before, after) =>
    before.item === after.item &&
    before.index === after.index &&
    before.columns === after.columns &&
    before.checked === after.checked &&
    before.checkLabel === after.checkLabel,
);
