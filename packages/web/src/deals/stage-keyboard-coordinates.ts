import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

/**
 * Keyboard moves on the kanban: each left or right arrow carries the card to the middle of the
 * next stage that way (dnd-kit's default moves it 25 pixels, a dozen presses per column).
 */
export const stageKeyboardCoordinates: KeyboardCoordinateGetter = (
  event,
  { currentCoordinates, context },
) => {
  const direction = event.code === 'ArrowRight' ? 1 : event.code === 'ArrowLeft' ? -1 : 0;
  const { collisionRect, droppableRects } = context;
  if (direction === 0 || !collisionRect) return undefined;
  event.preventDefault();
  const center = collisionRect.left + collisionRect.width / 2;
  let target: { left: number; width: number; top: number } | undefined;
  for (const rect of droppableRects.values()) {
    const offset = (rect.left + rect.width / 2 - center) * direction;
    if (offset <= 1) continue;
    if (!target || offset < (target.left + target.width / 2 - center) * direction) target = rect;
  }
  if (!target) return currentCoordinates;
  return {
    x: currentCoordinates.x + (target.left + target.width / 2 - center),
    y: currentCoordinates.y + (target.top + 60 - collisionRect.top),
  };
};
