import type { ErrorDetail } from '@tandem/contract';
import { convert } from 'html-to-text';
import { Liquid, type Template } from 'liquidjs';
import type mjml2html from 'mjml';

/** mjml (~55 MB of code with its dependencies) loads at the first compile: threads that never compile never load it. */
let mjml: Promise<typeof mjml2html> | undefined;

/** Liquid for the HTML part: values are HTML-escaped (a trait cannot inject markup). */
const htmlLiquid = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, strictFilters: true });
/** Liquid for the subject and the text part: values as they are. */
const plainLiquid = new Liquid({ ownPropertyOnly: true, strictFilters: true });

/** Headings as they are (html-to-text upper-cases them, which would break `{{ traits.name }}`). */
const TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
    selector,
    options: { uppercase: false },
  })),
};

/** The sources of a template: subject, MJML body, optional text part. */
export interface TemplateSource {
  readonly subject: string;
  readonly mjml: string;
  readonly text?: string | null | undefined;
}

/**
 * A template ready to render per person: its MJML compiled to HTML once, and the subject,
 * HTML and text parsed by Liquid once. Without a text part of its own, the text part is
 * html-to-text of the compiled HTML (with its Liquid still in it), so rendering a person's
 * text costs a Liquid render, not an HTML conversion.
 */
export interface CompiledTemplate {
  readonly subject: Template[];
  readonly html: Template[];
  readonly text: Template[];
  /** Whether the template reads computed traits / CRM fields (loaded only when it does). */
  readonly uses: { readonly computedTraits: boolean; readonly crm: boolean; readonly event: boolean };
}

/** What a person's email is rendered with. */
export interface TemplateContext {
  readonly traits: Readonly<Record<string, unknown>>;
  readonly computedTraits: Readonly<Record<string, unknown>>;
  readonly event: Readonly<Record<string, unknown>> | null;
  readonly profile: { readonly id: string; readonly email: string | null };
  readonly crm: {
    readonly lifecycleStage: string | null;
    readonly leadStatus: string | null;
    readonly ownerId: string | null;
    readonly fields: Readonly<Record<string, unknown>>;
  };
  readonly unsubscribe_url: string;
  readonly preferences_url: string;
}

/** The markers the send policy's `decorate` replaces with the person's links. */
export const UNSUBSCRIBE_URL_MARKER = '%%UNSUBSCRIBE_URL%%';
export const PREFERENCES_URL_MARKER = '%%PREFERENCES_URL%%';

/** Compiles a template; the errors name the field at fault (`subject`, `mjml`, `text`). */
export async function compileTemplate(
  source: TemplateSource,
): Promise<{ ok: true; value: CompiledTemplate } | { ok: false; errors: ErrorDetail[] }> {
  const errors: ErrorDetail[] = [];
  const subject = parse(plainLiquid, source.subject, 'subject', errors);
  // Liquid errors in the MJML are reported against what the author wrote, before MJML moves it.
  parse(htmlLiquid, source.mjml, 'mjml', errors);
  let html: Template[] | undefined;
  let compiledHtml = '';
  try {
    mjml ??= import('mjml').then((module) => module.default);
    const compiled = await (await mjml)(source.mjml, { validationLevel: 'soft' });
    for (const error of compiled.errors)
      errors.push({ path: 'mjml', message: `line ${error.line}: ${error.message}` });
    compiledHtml = compiled.html;
    if (compiled.errors.length === 0) html = parse(htmlLiquid, compiledHtml, 'mjml', errors);
  } catch (cause) {
    errors.push({ path: 'mjml', message: cause instanceof Error ? cause.message : String(cause) });
  }
  const textSource = source.text ?? (html ? convert(compiledHtml, TEXT_OPTIONS) : '');
  const text = parse(plainLiquid, textSource, 'text', errors);
  if (errors.length > 0 || !subject || !html || !text) return { ok: false, errors };
  const all = `${source.subject}\n${source.mjml}\n${source.text ?? ''}`;
  return {
    ok: true,
    value: {
      subject,
      html,
      text,
      uses: {
        computedTraits: all.includes('computedTraits'),
        crm: /\bcrm\b/.test(all),
        event: /\bevent\b/.test(all),
      },
    },
  };
}

/** Renders a compiled template for one person (synchronous: no Liquid tag here does I/O). */
export function renderTemplate(
  template: CompiledTemplate,
  context: TemplateContext,
): { subject: string; html: string; text: string } {
  const scope = context as unknown as Record<string, unknown>;
  return {
    // A subject is one line.
    subject: String(plainLiquid.renderSync(template.subject, scope))
      .replace(/[\r\n]+/g, ' ')
      .trim(),
    html: String(htmlLiquid.renderSync(template.html, scope)),
    text: String(plainLiquid.renderSync(template.text, scope)),
  };
}

function parse(engine: Liquid, source: string, path: string, errors: ErrorDetail[]): Template[] | undefined {
  try {
    return engine.parse(source);
  } catch (cause) {
    errors.push({ path, message: `Liquid: ${cause instanceof Error ? cause.message : String(cause)}` });
    return undefined;
  }
}
