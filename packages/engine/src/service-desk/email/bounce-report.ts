import type { ParsedMail } from 'mailparser';

// What a bounce says about the email it returns: which Message-IDs it names (in its headers, or in
// the returned message or headers it carries) and whether delivery failed for good (RFC 3464:
// `Action: failed`, or a 5.x.x status), with the reason the receiving server gave.

const RETURNED_PARTS = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global-headers']);

export interface BounceReport {
  readonly rfcIds: string[];
  /** True when delivery failed for good (a delay notice is not). */
  readonly permanent: boolean;
  readonly reason: string;
}

export function bounceReportOf(mail: ParsedMail): BounceReport {
  const rfcIds = new Set<string>();
  for (const id of [mail.inReplyTo ?? '', ...[mail.references ?? []].flat()].join(' ').split(/\s+/)) {
    if (id.startsWith('<')) rfcIds.add(id);
  }
  for (const attachment of mail.attachments) {
    if (!RETURNED_PARTS.has(attachment.contentType)) continue;
    const returned = attachment.content.toString('utf8', 0, 64 * 1024);
    const id = /^message-id:\s*(<[^>\s]+>)/im.exec(returned)?.[1];
    if (id) rfcIds.add(id);
  }
  const text = mail.text ?? '';
  const action = /^action:\s*(\w+)/im.exec(text)?.[1]?.toLowerCase();
  const status = /^status:\s*(\d\.\d{1,3}\.\d{1,3})/im.exec(text)?.[1];
  const diagnostic = /^diagnostic-code:\s*(?:smtp;\s*)?(.+)$/im.exec(text)?.[1]?.trim();
  return {
    rfcIds: [...rfcIds],
    permanent: action === 'failed' || status?.startsWith('5.') === true,
    reason: (diagnostic ?? (status ? `status ${status}` : (mail.subject ?? 'bounced'))).slice(0, 300),
  };
}
