import type { MailSender } from '../mail/index.js';
import { invitationMail, passwordResetMail } from './account-mail.js';

/**
 * Sends account emails without holding up the request that caused them (a slow relay must not
 * slow an invitation, nor reveal by its timing whether an account exists). Failures go to
 * `onError`; without a relay nothing is sent and `configured` is false.
 */
export class AccountMail {
  constructor(
    private readonly options: {
      readonly sender: MailSender | undefined;
      readonly publicUrl: string;
      readonly onError: (error: unknown) => void;
    },
  ) {}

  get configured(): boolean {
    return this.options.sender !== undefined;
  }

  invitation(message: Omit<Parameters<typeof invitationMail>[0], 'publicUrl'>): void {
    this.send(() => invitationMail({ ...message, publicUrl: this.options.publicUrl }));
  }

  passwordReset(message: Omit<Parameters<typeof passwordResetMail>[0], 'publicUrl'>): void {
    this.send(() => passwordResetMail({ ...message, publicUrl: this.options.publicUrl }));
  }

  private send(compose: () => Parameters<MailSender['send']>[0]): void {
    const sender = this.options.sender;
    if (!sender) return;
    sender.send(compose()).catch(this.options.onError);
  }
}
