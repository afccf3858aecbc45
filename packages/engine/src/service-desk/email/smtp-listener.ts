import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { MailEnvelope } from './inbound-mail.js';

/** What the listener hands mail to. */
export interface MailIntake {
  /** Whether mail to this address is wanted (checked at RCPT TO, so strangers are refused early). */
  accepts(address: string): Promise<boolean>;
  /** Takes a whole message in; the SMTP client gets its 250 only once this resolves. */
  receive(raw: Buffer, envelope: MailEnvelope): Promise<unknown>;
}

/** An error with the SMTP reply code smtp-server answers it with. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * Tandem's inbound SMTP server: no authentication (anyone may mail support), no STARTTLS (it
 * runs behind the MX that terminates TLS, or on a private network), a size limit, and
 * recipients checked against the mailboxes.
 */
export class SmtpListener {
  private readonly server: SMTPServer;

  constructor(intake: MailIntake, options: { maxMessageBytes: number; onError: (error: Error) => void }) {
    this.server = new SMTPServer({
      name: 'tandem',
      banner: 'Tandem service desk',
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: options.maxMessageBytes,
      logger: false,
      // A reverse DNS lookup per connection would add its latency to every message.
      disableReverseLookup: true,
      // On shutdown, idle client connections are not waited for long (the default is 30 s).
      closeTimeout: 3000,
      onRcptTo(address, _session, callback) {
        intake.accepts(address.address).then(
          (accepted) =>
            accepted
              ? callback()
              : callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)),
          (error: Error) => {
            options.onError(error);
            callback(smtpError(451, '4.3.0 temporary failure, try again later'));
          },
        );
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            callback(smtpError(552, `5.3.4 message larger than ${options.maxMessageBytes} bytes`));
            return;
          }
          const envelope = {
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          };
          intake.receive(Buffer.concat(chunks), envelope).then(
            () => callback(),
            (error: Error) => {
              options.onError(error);
              // The sender's server keeps the message and tries again later.
              callback(smtpError(451, '4.3.0 temporary failure, try again later'));
            },
          );
        });
      },
    });
    this.server.on('error', options.onError);
  }

  /** Listens; resolves with the port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.server.address() as AddressInfo).port; // a TCP listener: an AddressInfo
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
