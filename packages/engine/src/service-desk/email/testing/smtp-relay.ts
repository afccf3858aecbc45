import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on a free local port standing in for the outbound relay: it keeps every
 * message it accepts, parsed, and can be told to refuse the next ones (4xx or 5xx) or to hold
 * its answers (senders stay mid-send).
 */
export async function startSmtpRelay() {
  const messages: ParsedMail[] = [];
  const refusals: { code: number; text: string }[] = [];
  let holding: { answers: (() => void)[]; told: () => void } | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      const refusal = refusals.shift();
      if (refusal) {
        stream.resume();
        stream.on('end', () =>
          callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code })),
        );
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          if (!holding) return callback();
          holding.answers.push(() => callback());
          holding.told();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo; // a TCP listener: an AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** The next `times` messages are refused with this SMTP code. */
    refuse(code: number, text: string, times = 1) {
      for (let i = 0; i < times; i += 1) refusals.push({ code, text });
    },
    /**
     * Keeps the messages coming from now on (in `messages`) without answering them until
     * `release`; `held(n)` resolves once n are waiting for their answer.
     */
    hold() {
      const answers: (() => void)[] = [];
      const waits: { count: number; resolve: () => void }[] = [];
      const told = () => {
        for (const wait of waits) if (answers.length >= wait.count) wait.resolve();
      };
      holding = { answers, told };
      return {
        held: (count: number) =>
          new Promise<void>((resolve) => {
            waits.push({ count, resolve });
            told();
          }),
        release() {
          holding = undefined;
          for (const answer of answers.splice(0)) answer();
        },
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpRelay = Awaited<ReturnType<typeof startSmtpRelay>>;
