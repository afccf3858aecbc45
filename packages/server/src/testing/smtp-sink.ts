import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a free local port that keeps every message it receives, parsed. */
export async function startSmtpSink() {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo; // listening on TCP, so an AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** The messages sent to an address, oldest first. */
    to(address: string) {
      return messages.filter((mail) => mail.to && JSON.stringify(mail.to).includes(address));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/** The one-time token of the last link mailed to an address (links carry it after `#token=`). */
export function mailedToken(sink: SmtpSink, address: string): string {
  const text = sink.to(address).at(-1)?.text ?? '';
  const token = /#token=([\w%-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no link mailed to ${address}`);
  return decodeURIComponent(token);
}
