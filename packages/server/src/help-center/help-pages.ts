import type { HelpCategory, Ticket, TicketMessage } from '@tandem/contract';
import { escapeHtml as e, excerptOf, type PublicArticle, renderMarkdown } from '@tandem/engine';

// The public help center's HTML: small, server-rendered, no script (the CSP forbids inline
// script anyway). Every value is escaped; article bodies go through the safe Markdown renderer.

const STYLE = `
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1a1b1e;background:#f8f9fa}
header{background:#1c7ed6;color:#fff;padding:1.25rem 1rem}
header a{color:#fff;text-decoration:none}
header nav{max-width:46rem;margin:0 auto;display:flex;justify-content:space-between;align-items:center;gap:1rem}
main{max-width:46rem;margin:1.5rem auto;padding:0 1rem 3rem}
h1{font-size:1.8rem;margin:.2rem 0 1rem}
a{color:#1864ab}
form.search{display:flex;gap:.5rem;margin:1rem 0 2rem}
input[type=search],input[type=email],textarea{flex:1;font:inherit;padding:.55rem .7rem;border:1px solid #adb5bd;border-radius:6px;width:100%;box-sizing:border-box}
button{font:inherit;padding:.55rem 1rem;border:0;border-radius:6px;background:#1c7ed6;color:#fff;cursor:pointer}
button.link{background:none;color:#fff;padding:0;text-decoration:underline}
section{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem}
section h2{margin:0 0 .5rem;font-size:1.2rem}
ul.articles{list-style:none;padding:0;margin:0}
ul.articles li{padding:.35rem 0}
.muted{color:#5c636a;font-size:.9rem}
article{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:1.25rem 1.5rem}
pre{background:#f1f3f5;padding:.75rem;border-radius:6px;overflow:auto}
code{background:#f1f3f5;padding:0 .2rem;border-radius:3px}
blockquote{border-left:3px solid #ced4da;margin:0;padding-left:1rem;color:#495057}
.message{border-left:4px solid #ced4da;padding:.5rem .9rem;margin:.75rem 0;background:#fff;border-radius:4px;white-space:pre-wrap}
.message.agent{border-color:#1c7ed6}
.error{color:#c92a2a}
.notice{background:#e7f5ff;border:1px solid #a5d8ff;padding:.75rem 1rem;border-radius:6px}
`;

export function page(opts: {
  title: string;
  base: string;
  body: string;
  signedIn?: { csrf: string };
}): string {
  const signOut = opts.signedIn
    ? `<form method="post" action="${e(opts.base)}/portal/sign-out"><input type="hidden" name="csrf" value="${e(opts.signedIn.csrf)}"><button class="link" type="submit">Sign out</button></form>`
    : `<a href="${e(opts.base)}/portal">Your requests</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(opts.title)}</title><style>${STYLE}</style></head>
<body><header><nav><a href="${e(opts.base)}"><strong>Help center</strong></a>${signOut}</nav></header>
<main>${opts.body}</main></body></html>`;
}

function searchForm(base: string, q: string): string {
  return `<form class="search" role="search" method="get" action="${e(base)}">
<label for="q" class="muted" style="position:absolute;left:-9999px">Search the help center</label>
<input id="q" type="search" name="q" value="${e(q)}" placeholder="Search articles" maxlength="200">
<button type="submit">Search</button></form>`;
}

function articleLink(base: string, article: PublicArticle): string {
  return `<li><a href="${e(base)}/articles/${e(article.slug)}">${e(article.title)}</a></li>`;
}

export function homePage(
  base: string,
  categories: HelpCategory[],
  articles: PublicArticle[],
  q: string,
): string {
  let body = `<h1>How can we help?</h1>${searchForm(base, q)}`;
  if (q) {
    body += `<section aria-label="Search results"><h2>Results for “${e(q)}”</h2>`;
    body +=
      articles.length === 0
        ? '<p class="muted">No article matches. Try other words, or <a href="portal">contact us</a>.</p>'
        : `<ul class="articles">${articles
            .map(
              (a) =>
                `<li><a href="${e(base)}/articles/${e(a.slug)}">${e(a.title)}</a><div class="muted">${e(excerptOf(a.body))}</div></li>`,
            )
            .join('')}</ul>`;
    return `${body}</section>`;
  }
  const groups = [
    ...categories.map((c) => ({
      name: c.name,
      description: c.description,
      items: articles.filter((a) => a.categoryId === c.id),
    })),
    {
      name: 'More articles',
      description: '',
      items: articles.filter((a) => a.categoryId === null || !categories.some((c) => c.id === a.categoryId)),
    },
  ].filter((g) => g.items.length > 0);
  if (groups.length === 0) body += '<p class="muted">No articles yet.</p>';
  for (const group of groups)
    body += `<section><h2>${e(group.name)}</h2>${group.description ? `<p class="muted">${e(group.description)}</p>` : ''}<ul class="articles">${group.items
      .map((a) => articleLink(base, a))
      .join('')}</ul></section>`;
  return body;
}

export function articlePage(base: string, article: PublicArticle): string {
  const crumbs = `<p class="muted"><a href="${e(base)}">Help center</a>${article.categoryName ? ` › ${e(article.categoryName)}` : ''}</p>`;
  return `${crumbs}<article><h1>${e(article.title)}</h1>${renderMarkdown(article.body)}
<p class="muted">Updated ${e(article.updatedAt.slice(0, 10))}</p></article>`;
}

export function notFoundPage(base: string): string {
  return `<h1>Not found</h1><p>This page does not exist or is no longer published. <a href="${e(base)}">Back to the help center</a>.</p>`;
}

export function portalSignInPage(
  base: string,
  opts: { email?: string; error?: string; sent?: boolean },
): string {
  if (opts.sent)
    return `<h1>Check your email</h1><p class="notice" role="status">If ${e(opts.email ?? 'that address')} has requests with us, we have sent it a sign-in link. It works once, for 15 minutes.</p>`;
  return `<h1>Your requests</h1><p>Enter the email address you wrote to us from. We will email you a link to sign in.</p>
<form method="post" action="${e(base)}/portal/link">
<label for="email">Email</label>
<input id="email" type="email" name="email" required maxlength="320" value="${e(opts.email ?? '')}" ${opts.error ? 'aria-invalid="true" aria-describedby="email-error"' : ''}>
${opts.error ? `<p id="email-error" class="error">${e(opts.error)}</p>` : ''}
<p><button type="submit">Email me a sign-in link</button></p></form>`;
}

export function portalRedeemPage(base: string, token: string, error?: string): string {
  if (error)
    return `<h1>Sign in</h1><p class="error">${e(error)}</p><p><a href="${e(base)}/portal">Ask for a new link</a></p>`;
  // A button, not an automatic sign-in: mail scanners that open links do not use up the token.
  return `<h1>Sign in</h1><form method="post" action="${e(base)}/portal/sign-in">
<input type="hidden" name="token" value="${e(token)}"><button type="submit">Sign in to your requests</button></form>`;
}

const STATUS_LABELS: Record<string, string> = {
  new: 'Received',
  open: 'Open',
  pending: 'Awaiting your reply',
  on_hold: 'On hold',
  solved: 'Solved',
  closed: 'Closed',
};

export function portalTicketsPage(base: string, email: string, tickets: Ticket[]): string {
  const rows = tickets
    .map(
      (t) =>
        `<li><a href="${e(base)}/portal/tickets/${e(t.id)}">#${t.number} ${e(t.subject)}</a> <span class="muted">· ${e(STATUS_LABELS[t.status] ?? t.status)} · updated ${e(t.updatedAt.slice(0, 10))}</span></li>`,
    )
    .join('');
  return `<h1>Your requests</h1><p class="muted">Signed in as ${e(email)}</p>
<section>${tickets.length === 0 ? '<p class="muted">You have no requests.</p>' : `<ul class="articles">${rows}</ul>`}</section>`;
}

export function portalTicketPage(
  base: string,
  view: { ticket: Ticket; messages: Omit<TicketMessage, 'delivery'>[] },
  csrf: string,
  error?: string,
): string {
  const { ticket, messages } = view;
  const conversation = messages
    .map((m) => {
      const agent = m.direction === 'outbound';
      return `<div class="message${agent ? ' agent' : ''}"><div class="muted">${agent ? 'Support' : 'You'} · ${e(m.at.slice(0, 16).replace('T', ' '))}</div>${e(m.body)}</div>`;
    })
    .join('');
  return `<p class="muted"><a href="${e(base)}/portal">Your requests</a></p>
<h1>#${ticket.number} ${e(ticket.subject)}</h1><p class="muted">${e(STATUS_LABELS[ticket.status] ?? ticket.status)}</p>
${conversation}
<form method="post" action="${e(base)}/portal/tickets/${e(ticket.id)}/replies">
<input type="hidden" name="csrf" value="${e(csrf)}">
<label for="text">Your reply</label>
<textarea id="text" name="text" rows="5" required maxlength="20000"></textarea>
${error ? `<p class="error">${e(error)}</p>` : ''}
<p><button type="submit">Send reply</button></p></form>`;
}
