import { Liquid } from 'liquidjs';

// Liquid (liquidjs): the placeholders marketers and agents know (`{{ person.first_name }}`,
// `{{ traits.plan | default: "free" }}`, `{% if %}`). Templates cannot run code; the limits keep
// a pathological one from holding the event loop. Only own properties of the scope are read.
const liquid = new Liquid({
  ownPropertyOnly: true,
  parseLimit: 100_000,
  renderLimit: 200,
  memoryLimit: 1_000_000,
});

/** Why a canned reply's text is not a valid template, or undefined when it is. */
export function placeholderError(template: string): string | undefined {
  try {
    liquid.parse(template);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Fills a canned reply's placeholders from the ticket's scope: `person.*`, `traits.*`,
 * `computedTraits.*`, `ticket.*`, `agent.*`. An unknown path renders empty (Liquid's behaviour);
 * a template that fails to render is returned as written, so the agent sees what to fix.
 */
export function fillPlaceholders(template: string, scope: Readonly<Record<string, unknown>>): string {
  try {
    return liquid.parseAndRenderSync(template, scope);
  } catch {
    return template;
  }
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
