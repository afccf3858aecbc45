import nodemailer from 'nodemailer';

/** One message to one recipient: a plain-text part always, HTML optionally. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
}

/**
 * A message in a conversation (a service desk reply): its own sender and recipients, and the
 * headers that thread it in the recipient's mail client.
 */
export interface ThreadedMailMessage {
  readonly from: { readonly address: string; readonly name?: string | undefined };
  readonly to: readonly string[];
  readonly cc?: readonly string[] | undefined;
  readonly replyTo?: string | undefined;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
  /** With angle brackets, e.g. `<abc@example.com>`. */
  readonly messageId: string;
  readonly inReplyTo?: string | undefined;
  readonly references?: readonly string[] | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** Sends mail through a relay; absent when Tandem has none configured. */
export interface MailSender {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Sends conversation messages through a relay. */
export interface ThreadedMailSender {
  /** Throws the relay's error; SMTP errors carry `responseCode` (4xx temporary, 5xx permanent). */
  sendThreaded(message: ThreadedMailMessage): Promise<void>;
  close(): void;
}

/** A MailSender over SMTP (`smtp://user:pass@host:port`, `smtps://…`), pooled. */
export function smtpMailSender(options: { url: string; from: string }): MailSender & ThreadedMailSender {
  const transport = nodemailer.createTransport(options.url, { from: options.from });
  return {
    async send(message) {
      await transport.sendMail({ from: options.from, ...message });
    },
    async sendThreaded(message) {
      await transport.sendMail({
        from: { address: message.from.address, name: message.from.name ?? '' },
        to: [...message.to],
        cc: message.cc && message.cc.length > 0 ? [...message.cc] : undefined,
        replyTo: message.replyTo,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        inReplyTo: message.inReplyTo,
        references: message.references && message.references.length > 0 ? [...message.references] : undefined,
        headers: message.headers ? { ...message.headers } : undefined,
      });
    },
    close: () => transport.close(),
  };
}
