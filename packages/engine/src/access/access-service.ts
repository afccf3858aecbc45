import type { MailSender } from '../mail/index.js';
import type { Store } from '../store/index.js';
import { AccountMail } from './account-mail-sender.js';
import { Accounts } from './accounts.js';
import { ApiTokens } from './api-tokens.js';
import { Members } from './members.js';
import { PasswordStrength } from './password-strength.js';
import type { AccessRevocation } from './principal.js';

export interface AccessOptions {
  /** Relay for invitation and password-reset emails; without it none are sent. */
  readonly mail?: MailSender | undefined;
  /** Where people reach the web UI, for links in emails. */
  readonly publicUrl?: string | undefined;
  /** Invitees join only once they accept the invitation (default: at once). */
  readonly invitationsNeedAcceptance?: boolean | undefined;
  /** Told about emails that could not be sent. */
  readonly onMailError?: ((error: unknown) => void) | undefined;
  readonly clock?: (() => number) | undefined;
}

/** Who may do what: logins and sessions, workspace members and invitations, API tokens. */
export class AccessService {
  readonly accounts: Accounts;
  readonly members: Members;
  readonly tokens: ApiTokens;
  private readonly strength = new PasswordStrength();
  private readonly revocationListeners = new Set<(revocation: AccessRevocation) => void>();

  constructor(
    store: Store,
    private readonly options: AccessOptions = {},
  ) {
    const clock = options.clock ?? Date.now;
    const announce = (revocation: AccessRevocation) => {
      for (const listener of this.revocationListeners) listener(revocation);
    };
    const mail = new AccountMail({
      sender: options.mail,
      publicUrl: options.publicUrl ?? 'http://localhost:8080',
      onError: options.onMailError ?? (() => undefined),
    });
    this.tokens = new ApiTokens(store, announce, clock);
    this.members = new Members(store, {
      tokens: this.tokens,
      strength: this.strength,
      mail,
      announce,
      clock,
      invitationsNeedAcceptance: options.invitationsNeedAcceptance ?? false,
    });
    this.accounts = new Accounts(store, {
      members: this.members,
      strength: this.strength,
      mail,
      announce,
      clock,
    });
  }

  /** Calls `listener` whenever credentials end or may have lost rights; returns an unsubscribe. */
  onRevoked(listener: (revocation: AccessRevocation) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.strength.close();
    this.options.mail?.close();
  }
}
