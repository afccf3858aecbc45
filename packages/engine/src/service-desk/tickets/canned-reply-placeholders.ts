/**
 * Fills a canned reply's Liquid-style placeholders: `{{ person.first_name }}`,
 * `{{ traits.plan }}`, `{{ ticket.number }}`, with an optional `| default: "there"`. A subset of
 * Liquid on purpose (no tags, no loops): a canned reply is a sentence, not a template program,
 * and an agent's text never runs as code. An unknown path renders empty (Liquid's behaviour).
 */
export function fillPlaceholders(template: string, scope: Readonly<Record<string, unknown>>): string {
  return template.replace(
    /\{\{\s*([\w.]+)\s*(?:\|\s*default:\s*(?:"([^"]*)"|'([^']*)'))?\s*\}\}/g,
    (_, path: string, d1, d2) => {
      const value = valueAt(scope, path);
      const fallback = (d1 ?? d2 ?? '') as string;
      if (value === undefined || value === null || value === '') return fallback;
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    },
  );
}

function valueAt(scope: unknown, path: string): unknown {
  let value = scope;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key]; // walking plain JSON objects
  }
  return value;
}

/** What `person.*` offers: the usual traits under their snake_case names, split names filled in. */
export function personScope(profileId: string, traits: Readonly<Record<string, unknown>>) {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const name = text(traits.name);
  const first = text(traits.first_name) ?? text(traits.firstName) ?? name?.split(/\s+/)[0];
  const last = text(traits.last_name) ?? text(traits.lastName) ?? name?.split(/\s+/).slice(1).join(' ');
  return {
    id: profileId,
    ...traits,
    first_name: first,
    last_name: last || undefined,
    name: name ?? ([first, last].filter(Boolean).join(' ') || undefined),
    email: text(traits.email),
  };
}
