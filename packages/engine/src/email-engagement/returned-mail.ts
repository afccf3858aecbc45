import type { ParsedMail } from 'mailparser';

// What a returned email says: a delivery status notification (RFC 3464, multipart/report;
// report-type=delivery-status) or a spam complaint (ARF, RFC 5965, report-type=feedback-report).

export type ReturnedMail =
  | {
      readonly kind: 'bounce';
      readonly bounceType: 'hard' | 'soft';
      readonly status: string | null;
      readonly reason: string;
    }
  | { readonly kind: 'complaint'; readonly feedbackType: string };

const REPORT_PARTS = new Set(['message/delivery-status', 'message/feedback-report', 'text/plain']);

export function returnedMailOf(mail: ParsedMail): ReturnedMail {
  const contentType = mail.headers.get('content-type');
  const reportType =
    typeof contentType === 'object' && contentType !== null && 'params' in contentType
      ? String((contentType.params as Record<string, string>)['report-type'] ?? '').toLowerCase()
      : '';
  // mailparser keeps report parts as attachments; their text holds the fields.
  const parts = [
    mail.text ?? '',
    ...mail.attachments
      .filter((part) => REPORT_PARTS.has(part.contentType))
      .map((part) => part.content.toString('utf8', 0, 64 * 1024)),
  ].join('\n');
  if (reportType === 'feedback-report' || /^feedback-type:/im.test(parts)) {
    return {
      kind: 'complaint',
      feedbackType: /^feedback-type:\s*([\w-]+)/im.exec(parts)?.[1]?.toLowerCase() ?? 'abuse',
    };
  }
  const action = /^action:\s*(\w+)/im.exec(parts)?.[1]?.toLowerCase() ?? null;
  const status = /^status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(parts)?.[1] ?? null;
  const diagnostic = /^diagnostic-code:\s*(?:smtp;\s*)?(.+)$/im.exec(parts)?.[1]?.trim();
  // Failed for good: `Action: failed` (unless the status says it may pass later) or a 5.x.x status.
  const hard = status ? status.startsWith('5.') : action === 'failed';
  return {
    kind: 'bounce',
    bounceType: hard ? 'hard' : 'soft',
    status,
    reason: (diagnostic ?? (status ? `status ${status}` : (mail.subject ?? 'returned'))).slice(0, 300),
  };
}
