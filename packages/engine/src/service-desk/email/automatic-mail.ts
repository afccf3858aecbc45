// Mail no person wrote: auto-replies (out of office, "we got your message") and bounces
// (delivery status notifications). The channel records them and never opens a ticket for them
// nor answers them, so two robots can never mail each other forever.

/** Why an inbound mail is automatic, or null when a person wrote it. */
export type AutomaticMailKind = 'auto_reply' | 'bounce';

/** The headers the decision reads (lower-case names, as mailparser gives them). */
export type MailHeaders = ReadonlyMap<string, unknown>;

const AUTO_PRECEDENCE = new Set(['bulk', 'auto_reply', 'junk']);
const DAEMON_SENDERS = /^(mailer-daemon|postmaster)@/i;

/** Classifies a parsed mail by its headers and the SMTP envelope's sender. */
export function automaticMailKind(input: {
  headers: MailHeaders;
  envelopeFrom: string;
  fromAddress: string | null;
}): AutomaticMailKind | null {
  const contentType = headerValue(input.headers, 'content-type');
  const params = headerParams(input.headers, 'content-type');
  if (
    contentType === 'multipart/report' &&
    (params['report-type'] ?? '').toLowerCase() === 'delivery-status'
  ) {
    return 'bounce';
  }
  // RFC 5321: notifications are sent with a null reverse path, so that nobody answers them.
  if (input.envelopeFrom.trim() === '' || input.envelopeFrom.trim() === '<>') return 'bounce';
  if (input.fromAddress !== null && DAEMON_SENDERS.test(input.fromAddress)) return 'bounce';

  const autoSubmitted = headerValue(input.headers, 'auto-submitted');
  if (autoSubmitted !== null && autoSubmitted !== 'no') return 'auto_reply';
  if (input.headers.has('x-autoreply') || input.headers.has('x-autorespond')) return 'auto_reply';
  if (input.headers.has('x-auto-response-suppress')) return 'auto_reply';
  const precedence = headerValue(input.headers, 'precedence');
  if (precedence !== null && AUTO_PRECEDENCE.has(precedence)) return 'auto_reply';
  return null;
}

/** A header's value, lower-cased (mailparser gives structured headers as `{ value, params }`). */
function headerValue(headers: MailHeaders, name: string): string | null {
  const value = headers.get(name);
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (value !== null && typeof value === 'object' && 'value' in value && typeof value.value === 'string') {
    return value.value.trim().toLowerCase();
  }
  return null;
}

function headerParams(headers: MailHeaders, name: string): Record<string, string> {
  const value = headers.get(name);
  if (value !== null && typeof value === 'object' && 'params' in value) {
    const params = value.params;
    if (params !== null && typeof params === 'object') {
      // mailparser's params are a plain object of strings.
      return params as Record<string, string>;
    }
  }
  return {};
}
