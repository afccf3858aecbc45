import type { ThreadedMailMessage } from '../../mail/index.js';

/** The survey mail: one link per score, so a click on a number is the answer's first step. */
export function surveyEmail(input: {
  from: string;
  to: string;
  number: number;
  subject: string;
  link: string;
  messageId: string;
}): ThreadedMailMessage {
  const subject = `How did we do? [#${input.number}] ${input.subject}`;
  const text = [
    `Your request #${input.number} "${input.subject}" was solved.`,
    '',
    'How satisfied are you with the help you got? Rate us from 1 (not at all) to 5 (very):',
    input.link,
    '',
    'Thank you!',
  ].join('\n');
  const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const links = [1, 2, 3, 4, 5]
    .map(
      (score) => `<a href="${escapeHtml(`${input.link}?score=${score}`)}" style="margin:0 6px">${score}</a>`,
    )
    .join('');
  const html = `<p>Your request #${input.number} "${escapeHtml(input.subject)}" was solved.</p>
<p>How satisfied are you with the help you got? (1 = not at all, 5 = very)</p><p>${links}</p>
<p><a href="${escapeHtml(input.link)}">Answer the survey</a></p>`;
  return {
    from: { address: input.from },
    to: [input.to],
    subject,
    text,
    html,
    messageId: input.messageId,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
