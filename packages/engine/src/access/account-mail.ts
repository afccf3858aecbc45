import type { MailMessage } from '../mail/index.js';

// The emails of account management. Secrets ride in the URL's fragment (#token=…), which
// browsers never send to a server, so they stay out of access logs and Referer headers.

function link(publicUrl: string, path: string, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}#token=${encodeURIComponent(secret)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function message(to: string, subject: string, paragraphs: string[], action: { label: string; url: string }) {
  const text = [...paragraphs, `${action.label}: ${action.url}`].join('\n\n');
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`,
  ].join('\n');
  return { to, subject, text, html } satisfies MailMessage;
}

export function invitationMail(options: {
  to: string;
  workspaceName: string;
  role: string;
  invitedBy: string | null;
  needsPassword: boolean;
  needsAcceptance: boolean;
  publicUrl: string;
  secret: string;
  expiresAt: string;
}): MailMessage {
  const who = options.invitedBy ?? 'An administrator';
  const lead = options.needsAcceptance
    ? `${who} invited you to join the workspace "${options.workspaceName}" on Tandem as ${options.role}.`
    : `${who} added you to the workspace "${options.workspaceName}" on Tandem as ${options.role}.`;
  const next = options.needsPassword
    ? 'Choose a password to start.'
    : options.needsAcceptance
      ? 'Accept the invitation to join it.'
      : 'Sign in with your usual password to open it.';
  return message(
    options.to,
    `You are invited to ${options.workspaceName} on Tandem`,
    [lead, next, `This link works once, until ${options.expiresAt}. If you did not expect it, ignore it.`],
    {
      label: options.needsPassword ? 'Choose a password' : 'Open the invitation',
      url: link(options.publicUrl, '/accept-invitation', options.secret),
    },
  );
}

export function passwordResetMail(options: {
  to: string;
  publicUrl: string;
  secret: string;
  expiresAt: string;
}): MailMessage {
  return message(
    options.to,
    'Reset your Tandem password',
    [
      'Someone asked to reset the password of your Tandem account. If it was you, choose a new password with the link below; it works once, until ' +
        `${options.expiresAt}. Choosing it signs you out everywhere else.`,
      'If it was not you, ignore this email: your password stays as it is.',
    ],
    { label: 'Choose a new password', url: link(options.publicUrl, '/reset-password', options.secret) },
  );
}
