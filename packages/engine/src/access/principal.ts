import type { Role } from '@tandem/contract';

/** Who is calling, and in which workspace they act. */
export type Principal =
  | {
      kind: 'token';
      tokenId: string;
      workspaceId: string;
      role: Role;
      /** The user the token acts for, if a user created it. */
      userId: string | null;
    }
  | {
      kind: 'session';
      sessionId: string;
      userId: string;
      workspaceId: string;
      role: Role;
      csrfToken: string;
    };
