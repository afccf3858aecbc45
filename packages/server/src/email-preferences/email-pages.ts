import { escapeHtml as e, type PreferencePage } from '@tandem/engine';
import type { ConsentChoice } from '../consent/consent-choices.js';

// The public email pages (unsubscribe confirmation, preference page): small, server-rendered,
// no script (the CSP forbids inline script). Every value is escaped.

const STYLE = `
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1a1b1e;background:#f8f9fa}
main{max-width:36rem;margin:3rem auto;padding:0 1rem 3rem}
h1{font-size:1.6rem;margin:0 0 1rem}
section{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:1.25rem 1.5rem;margin-bottom:1rem}
label{display:flex;gap:.6rem;align-items:flex-start;padding:.45rem 0;cursor:pointer}
label input{margin-top:.35rem}
.muted{color:#5c636a;font-size:.9rem}
button{font:inherit;padding:.55rem 1.1rem;border:0;border-radius:6px;background:#1c7ed6;color:#fff;cursor:pointer}
a{color:#1864ab}
.notice{background:#ebfbee;border:1px solid #b2f2bb;padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem}
hr{border:0;border-top:1px solid #dee2e6;margin:1rem 0}
`;

export function emailPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${e(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export function unsubscribeConfirmPage(
  action: string,
  topicName: string | null,
  preferencesUrl: string,
): string {
  const what = topicName ? `“${e(topicName)}” emails` : 'all marketing email';
  return emailPage(
    'Unsubscribe',
    `<h1>Unsubscribe</h1><section><p>Stop receiving ${what}?</p>
<form method="post" action="${e(action)}"><input type="hidden" name="confirm" value="1"><button type="submit">Unsubscribe</button></form>
<p class="muted">Or <a href="${e(preferencesUrl)}">choose what you receive</a>.</p></section>`,
  );
}

export function unsubscribedPage(preferencesUrl: string | null): string {
  const more = preferencesUrl
    ? `<p class="muted"><a href="${e(preferencesUrl)}">Manage your email preferences</a></p>`
    : '';
  return emailPage(
    'Unsubscribed',
    `<h1>You are unsubscribed</h1><section><p>You will not receive these emails any more.</p>${more}</section>`,
  );
}

export function invalidLinkPage(): string {
  return emailPage(
    'Link not valid',
    '<h1>This link is not valid</h1><section><p>It may be incomplete: try copying the whole link from the email.</p></section>',
  );
}

/** The page: email topics, then the workspace's consent purposes (the consent center's), one form. */
export function preferencesPage(
  action: string,
  page: PreferencePage,
  saved: boolean,
  purposes: readonly ConsentChoice[] = [],
): string {
  const topics = page.topics
    .map(
      (topic) => `<input type="hidden" name="shown" value="${e(topic.topicId)}">
<label><input type="checkbox" name="topic" value="${e(topic.topicId)}"${topic.subscribed ? ' checked' : ''}>
<span><strong>${e(topic.name)}</strong>${topic.description ? `<br><span class="muted">${e(topic.description)}</span>` : ''}</span></label>`,
    )
    .join('');
  return emailPage(
    'Email preferences',
    `<h1>Email preferences</h1>${saved ? '<p class="notice" role="status">Your preferences are saved.</p>' : ''}
<form method="post" action="${e(action)}"><section>
<p class="muted">Choose the emails you want to receive.</p>${topics || '<p class="muted">There are no topics to choose from.</p>'}
<hr><label><input type="checkbox" name="unsubscribedAll" value="1"${page.unsubscribedAll ? ' checked' : ''}>
<span><strong>Unsubscribe from all marketing email</strong><br><span class="muted">You will still receive emails about your account and orders.</span></span></label>
</section>${consentSection(purposes)}<button type="submit">Save preferences</button></form>`,
  );
}

function consentSection(purposes: readonly ConsentChoice[]): string {
  if (purposes.length === 0) return '';
  const choices = purposes
    .map(
      (purpose) => `<input type="hidden" name="shownPurpose" value="${e(purpose.key)}">
<label><input type="checkbox" name="purpose" value="${e(purpose.key)}"${purpose.granted ? ' checked' : ''}>
<span><strong>${e(purpose.label)}</strong>${purpose.description ? `<br><span class="muted">${e(purpose.description)}</span>` : ''}</span></label>`,
    )
    .join('');
  return `<section aria-labelledby="consent-heading"><h2 id="consent-heading" style="font-size:1.15rem;margin:0 0 .25rem">How we may use your data</h2>
<p class="muted">Tick what you agree to; untick to withdraw. What the service cannot work without is always on.</p>${choices}</section>`;
}
