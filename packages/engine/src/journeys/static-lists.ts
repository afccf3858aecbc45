import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Static lists as a journey's `list` step uses them: the lists domain implements this (in the
 * caller's transaction, so the step and the membership commit together).
 */
export interface StaticLists {
  add(
    db: Kysely<Database>,
    workspaceId: string,
    listId: string,
    profileIds: readonly string[],
  ): Promise<void>;
  remove(
    db: Kysely<Database>,
    workspaceId: string,
    listId: string,
    profileIds: readonly string[],
  ): Promise<void>;
  /** Whether the list exists (validation before publish). */
  exists?(db: Kysely<Database>, workspaceId: string, listId: string): Promise<boolean>;
}

/** Until the lists domain is wired in: a list step refuses to run (its runs exit, recorded). */
export const NO_STATIC_LISTS: StaticLists = {
  add: async () => {
    throw new Error('static lists are not available');
  },
  remove: async () => {
    throw new Error('static lists are not available');
  },
};
