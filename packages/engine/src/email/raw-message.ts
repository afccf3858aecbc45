import type { OutboundEmail } from './smtp-relays.js';

/**
 * The MIME text of an email (multipart/alternative: text, then HTML; both base64), built in
 * one go: nodemailer's own composer costs several times more per message, which a broadcast of
 * a million feels, and the relay gets the message in one write.
 */
export function rawMessage(email: OutboundEmail, now = new Date()): Buffer {
  // Unique per message, and never inside base64 text (which has no `_`, and `=` only at its end).
  const boundary = `=_tandem_${email.messageId.replace(/[^\w.-]/g, '')}`;
  const lines = [
    `From: ${address(email.from.name, email.from.address)}`,
    `To: <${clean(email.to)}>`,
    ...(email.replyTo ? [`Reply-To: <${clean(email.replyTo)}>`] : []),
    `Subject: ${encodedWords(email.subject)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${clean(email.messageId)}`,
    'MIME-Version: 1.0',
    ...Object.entries(email.headers)
      .filter(([name]) => /^[!-9;-~]+$/.test(name) && !RESERVED.has(name.toLowerCase()))
      .map(([name, value]) => `${name}: ${headerValue(value)}`),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.html),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Headers the message sets itself: given ones of these names are dropped. */
const RESERVED = new Set([
  'from',
  'to',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

/** A header value on one line: ASCII as it is, anything else as encoded words. */
function headerValue(value: string): string {
  const flat = clean(value);
  return /^[\x20-\x7e]*$/.test(flat) ? flat : encodedWords(flat);
}

function address(name: string, email: string): string {
  const display = clean(name);
  if (!display) return `<${clean(email)}>`;
  const quoted = /^[\x20-\x7e]*$/.test(display)
    ? `"${display.replace(/[\\"]/g, (c) => `\\${c}`)}"`
    : encodedWords(display);
  return `${quoted} <${clean(email)}>`;
}

/** RFC 2047 encoded words (base64, at most 45 bytes each), folded; plain when ASCII and short. */
function encodedWords(text: string): string {
  const flat = clean(text);
  if (/^[\x20-\x7e]*$/.test(flat) && flat.length <= 900) return flat;
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of flat) {
    const size = Buffer.byteLength(char);
    if (bytes + size > 45) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join('\r\n ');
}

function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += 76) lines.push(encoded.slice(start, start + 76));
  return lines.join('\r\n');
}

/** No line breaks (nor other control characters) inside a header. */
function clean(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  return value.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}
