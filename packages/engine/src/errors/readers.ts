import { AppError } from './app-error.js';

/** Who uses a thing by its id, in other domains' configuration: `journey "Onboarding"`, … */
export type ReadersOf = (workspaceId: string, id: string) => Promise<string[]>;

/**
 * The other domains that name a thing by id (a journey's template, a broadcast's audience),
 * registered by the engine: a thing still used is not deleted, or those would stop without a word.
 */
export class Readers {
  private readonly all = new Set<ReadersOf>();

  add(readersOf: ReadersOf): void {
    this.all.add(readersOf);
  }

  /** Everyone that names the thing, in the order the readers were added. */
  async of(workspaceId: string, id: string): Promise<string[]> {
    const users: string[] = [];
    for (const readersOf of this.all) users.push(...(await readersOf(workspaceId, id)));
    return users;
  }

  /** Throws a conflict naming every user when there is one; `what` names the thing (`The list "VIPs"`). */
  async refuseDeletingWhileUsed(workspaceId: string, id: string, what: string): Promise<void> {
    const users = await this.of(workspaceId, id);
    if (users.length === 0) return;
    const one = users.length === 1;
    throw new AppError(
      'conflict',
      `${what} cannot be deleted: ${users.join(', ')} use${one ? 's' : ''} it. Change ${one ? 'it' : 'them'} first.`,
    );
  }
}
