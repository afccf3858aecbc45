import nodemailer from 'nodemailer';

/** One message to one recipient: a plain-text part always, HTML optionally. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
}

/** Sends mail through a relay; absent when Tandem has none configured. */
export interface MailSender {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A MailSender over SMTP (`smtp://user:pass@host:port`, `smtps://…`), pooled. */
export function smtpMailSender(options: { url: string; from: string }): MailSender {
  const transport = nodemailer.createTransport(options.url, { from: options.from });
  return {
    async send(message) {
      await transport.sendMail({ from: options.from, ...message });
    },
    close: () => transport.close(),
  };
}
