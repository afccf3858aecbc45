import type { ParsedMail } from 'mailparser';

type SimpleParser = typeof import('mailparser').simpleParser;

/** mailparser loads at the first mail read: threads that never read mail never load it. */
let parser: Promise<SimpleParser> | undefined;

/** A raw RFC 5322 message parsed by mailparser's simpleParser. */
export async function parseMail(raw: Buffer | string): Promise<ParsedMail> {
  parser ??= import('mailparser').then((module) => module.simpleParser);
  return (await parser)(raw);
}
