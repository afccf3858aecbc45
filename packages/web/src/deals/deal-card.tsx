import { useDraggable } from '@dnd-kit/core';
import { CSS } from '@dnd-kit/utilities';
import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import type { Deal } from '@tandem/contract';
import { useRef } from 'react';
import { Link } from 'react-router';
import { formatMoney } from './format-money';

type DealCardProps = {
  deal: Deal;
  ownerEmail: string | null;
  /** Read-only members see cards they cannot drag. */
  draggable: boolean;
};

/** A deal on the kanban: drag it (pointer, or Space then arrows then Space) to another stage. */
export function DealCard({ deal, ownerEmail, draggable }: DealCardProps) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: deal.id,
    data: { deal },
    disabled: !draggable,
  });
  // A click opens the deal only when the pointer went down on this link and stayed put: the
  // release that ends a drag (over the card, maybe re-made in its new column) is no click.
  // Keyboard clicks (detail 0) always open it.
  const pressedAt = useRef<{ x: number; y: number } | null>(null);
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="sm"
      radius="md"
      shadow={isDragging ? 'md' : 'xs'}
      style={{
        transform: CSS.Translate.toString(transform),
        opacity: isDragging ? 0.85 : 1,
        cursor: draggable ? 'grab' : 'default',
        zIndex: isDragging ? 10 : undefined,
        position: 'relative',
      }}
      {...attributes}
      {...listeners}
      aria-label={`Deal ${deal.name}`}
      aria-roledescription={draggable ? 'draggable deal' : 'deal'}
      data-deal-id={deal.id}
    >
      <Stack gap={4}>
        {/* Not natively draggable: the browser's own link drag would swallow the card's. */}
        <Anchor
          component={Link}
          to={`/deals/${encodeURIComponent(deal.id)}`}
          fw={600}
          size="sm"
          lineClamp={2}
          draggable={false}
          onPointerDown={(event) => {
            pressedAt.current = { x: event.clientX, y: event.clientY };
          }}
          onClick={(event) => {
            const pressed = pressedAt.current;
            pressedAt.current = null;
            const moved = !pressed || Math.hypot(event.clientX - pressed.x, event.clientY - pressed.y) > 5;
            if (event.detail !== 0 && moved) event.preventDefault();
          }}
        >
          {deal.name}
        </Anchor>
        <Text size="sm" fw={500}>
          {formatMoney(deal.amount, deal.currency)}
        </Text>
        {deal.companyName && (
          <Text size="xs" c="dimmed">
            {deal.companyName}
          </Text>
        )}
        <Group justify="space-between" gap="xs">
          <Text size="xs" c="dimmed" truncate maw={150}>
            {ownerEmail ?? 'No owner'}
          </Text>
          {deal.closeDate && (
            <Text size="xs" c={isOverdue(deal.closeDate) ? 'red' : 'dimmed'}>
              Closes {deal.closeDate}
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function isOverdue(closeDate: string): boolean {
  return closeDate < new Date().toISOString().slice(0, 10);
}
