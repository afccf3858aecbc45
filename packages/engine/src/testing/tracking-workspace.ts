import type { Engine } from '../engine.js';
import { createWorkspace } from '../workspaces/index.js';

/** A tracking call as tests write it (a message id is added). */
export type TestCall = Record<string, unknown>;

let messages = 0;

/**
 * A fresh workspace with one source: `send` collects calls and runs the pipeline until they are
 * through; `profileOf` finds a person by user id.
 */
export async function trackingWorkspace(engine: Engine) {
  const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
  const source = await engine.sources.create(workspaceId, { name: 'web' });
  const send = async (...calls: TestCall[]) => {
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: calls.map((call) => ({ messageId: `test-${++messages}-${Math.random()}`, ...call })),
      request: {},
    });
    await engine.pipeline.catchUp();
  };
  const profileOf = async (userId: string) =>
    (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id;
  return { workspaceId, sourceId: source.id, send, profileOf };
}
