import {
  type Announcements,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { Alert, Group, ScrollArea } from '@mantine/core';
import type { Deal, Pipeline, PipelineReport } from '@tandem/contract';
import { errorMessage } from '../api/error-message';
import { KanbanColumn } from './kanban-column';
import { stageKeyboardCoordinates } from './stage-keyboard-coordinates';
import { useMoveDeal } from './use-move-deal';

type DealsKanbanProps = {
  pipeline: Pipeline;
  report: PipelineReport | undefined;
  canEdit: boolean;
  ownerEmail: (ownerId: string | null) => string | null;
};

// The pointer decides when there is one; the keyboard moves the card's rectangle instead.
const collisions: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length > 0 ? under : rectIntersection(args);
};

/** The pipeline's stages side by side; a card dropped on another stage moves the deal there. */
export function DealsKanban({ pipeline, report, canEdit, ownerEmail }: DealsKanbanProps) {
  const moveDeal = useMoveDeal(pipeline);
  const sensors = useSensors(
    // A click on the deal's name opens it; a drag starts once the pointer moves a little.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: stageKeyboardCoordinates }),
  );
  const stageName = (id: unknown) => pipeline.stages.find((s) => s.id === id)?.name ?? 'no stage';
  const dealName = (data: unknown) => (data as { deal?: Deal } | undefined)?.deal?.name ?? 'the deal';
  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up ${dealName(active.data.current)}. Arrow keys move it between stages.`,
    onDragOver: ({ active, over }) => `${dealName(active.data.current)} is over ${stageName(over?.id)}.`,
    onDragEnd: ({ active, over }) => `${dealName(active.data.current)} dropped on ${stageName(over?.id)}.`,
    onDragCancel: ({ active }) => `Moving ${dealName(active.data.current)} was cancelled.`,
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    // The card carries its deal (see DealCard): the drop knows what moved and from where.
    const deal = (active.data.current as { deal?: Deal } | undefined)?.deal;
    const toStageId = over ? String(over.id) : null;
    if (!deal || !toStageId || toStageId === deal.stageId) return;
    moveDeal.mutate({ deal, toStageId });
  };

  return (
    <>
      {moveDeal.error && (
        <Alert
          color="red"
          role="alert"
          title="The deal could not be moved"
          withCloseButton
          onClose={moveDeal.reset}
        >
          {errorMessage(moveDeal.error)} It is back in its stage.
        </Alert>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={collisions}
        onDragEnd={onDragEnd}
        accessibility={{
          announcements,
          screenReaderInstructions: {
            draggable:
              'To move a deal to another stage, press Space, use the left and right arrow keys, then press Space again to drop it or Escape to cancel.',
          },
        }}
      >
        <ScrollArea type="auto" offsetScrollbars>
          <Group
            align="stretch"
            wrap="nowrap"
            gap="sm"
            pb="sm"
            aria-label={`${pipeline.name} pipeline`}
            role="group"
          >
            {pipeline.stages.map((stage) => (
              <KanbanColumn
                key={stage.id}
                stage={stage}
                totals={report?.stages.find((s) => s.stageId === stage.id)}
                canEdit={canEdit}
                ownerEmail={ownerEmail}
              />
            ))}
          </Group>
        </ScrollArea>
      </DndContext>
    </>
  );
}
