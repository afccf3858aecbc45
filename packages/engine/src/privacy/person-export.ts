import type { PersonDataHolder, PersonRef } from '../person-data/index.js';

/** Everything held about a person: one JSON document, keyed by domain. */
export interface PersonExport {
  readonly generatedAt: string;
  readonly person: { readonly profileIds: readonly string[]; readonly identifiers: PersonRef['identifiers'] };
  readonly domains: Record<string, unknown>;
}

/** Asks every holder for its share of the person. */
export async function exportPerson(
  holders: readonly PersonDataHolder[],
  person: PersonRef,
  generatedAt: string,
): Promise<PersonExport> {
  const domains: Record<string, unknown> = {};
  for (const holder of holders) domains[holder.domain] = await holder.exportPerson(person);
  return {
    generatedAt,
    person: { profileIds: person.profileIds, identifiers: person.identifiers },
    domains,
  };
}

/** Records per domain and list in an export (its report's counts). */
export function exportCounts(document: PersonExport): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const [domain, share] of Object.entries(document.domains)) {
    const lists: Record<string, number> = {};
    if (Array.isArray(share)) lists.records = share.length;
    else if (share && typeof share === 'object')
      for (const [name, value] of Object.entries(share))
        lists[name] = Array.isArray(value) ? value.length : 1;
    counts[domain] = lists;
  }
  return counts;
}

/** The export as a person reads it: a section per domain, a table of each list's records. */
export function exportSummaryHtml(document: PersonExport): string {
  const sections = Object.entries(document.domains)
    .map(([domain, share]) => `<section><h2>${escapeHtml(domain)}</h2>${valueHtml(share, 0)}</section>`)
    .join('\n');
  const identifiers = document.person.identifiers
    .map((identifier) => `<li>${escapeHtml(identifier.type)}: ${escapeHtml(identifier.value)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your data</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}pre{margin:0;white-space:pre-wrap}</style>
</head><body>
<h1>The data held about you</h1>
<p>Generated ${escapeHtml(document.generatedAt)}. Known by:</p><ul>${identifiers}</ul>
${sections}
</body></html>
`;
}

// Nested lists become tables down to this depth; deeper values are shown as JSON.
const MAX_TABLE_DEPTH = 2;
// A reader's summary: past this many rows a list says how many more the JSON document holds.
const MAX_ROWS = 200;

function valueHtml(value: unknown, depth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '<p>None.</p>';
    if (depth >= MAX_TABLE_DEPTH) return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
    const columns = [
      ...new Set(
        value.slice(0, MAX_ROWS).flatMap((item) => (isRecord(item) ? Object.keys(item) : ['value'])),
      ),
    ];
    const more =
      value.length > MAX_ROWS ? `<p>… and ${value.length - MAX_ROWS} more, in the JSON document.</p>` : '';
    const rows = value
      .slice(0, MAX_ROWS)
      .map((item) => {
        const cells = isRecord(item) ? columns.map((column) => item[column]) : [item];
        return `<tr>${cells.map((cell) => `<td>${cellHtml(cell)}</td>`).join('')}</tr>`;
      })
      .join('');
    return `<table><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>${rows}</table>${more}`;
  }
  if (isRecord(value))
    return Object.entries(value)
      .map(([name, member]) => `<h3>${escapeHtml(name)}</h3>${valueHtml(member, depth + 1)}`)
      .join('');
  return `<p>${cellHtml(value)}</p>`;
}

function cellHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
  return escapeHtml(String(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
