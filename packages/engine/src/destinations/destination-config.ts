import {
  DESTINATION_CONFIG_SCHEMAS,
  DESTINATION_SECRET_FIELDS,
  type DestinationConfig,
  type DestinationType,
  type ErrorDetail,
} from '@tandem/contract';
import type { Result } from '../errors/index.js';
import { literalHostRefusal } from './safe-address.js';

// A destination's configuration: validated against its type's schema, split into what is
// stored in clear and the secret fields (sealed), answered with secrets masked.

export const MASK = '***';

type Fields = Record<string, unknown>;

/** Validates a configuration for its type; problems name `config.<field>`. */
export function validateConfig(
  type: DestinationType,
  config: unknown,
  allowPrivate: boolean,
): Result<DestinationConfig, ErrorDetail[]> {
  const parsed = DESTINATION_CONFIG_SCHEMAS[type].safeParse(config);
  if (!parsed.success) {
    return {
      ok: false,
      error: parsed.error.issues.map((issue) => ({
        path: ['config', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    };
  }
  if (type === 'webhook') {
    const problem = webhookUrlProblem((parsed.data as DestinationConfig<'webhook'>).url, allowPrivate);
    if (problem) return { ok: false, error: [{ path: 'config.url', message: problem }] };
  }
  return { ok: true, value: parsed.data };
}

function webhookUrlProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http or https URL';
  return literalHostRefusal(parsed.hostname, allowPrivate);
}

/** The configuration's clear part and its secret fields. */
export function splitSecrets(type: DestinationType, config: Fields): { clear: Fields; secrets: Fields } {
  const clear: Fields = {};
  const secrets: Fields = {};
  const secretFields = new Set(DESTINATION_SECRET_FIELDS[type]);
  for (const [key, value] of Object.entries(config)) {
    if (secretFields.has(key)) secrets[key] = value;
    else clear[key] = value;
  }
  return { clear, secrets };
}

/**
 * The configuration as answered: secrets left out (named in `secrets`), except URLs (password
 * masked) and header names (values masked), which the UI needs to show.
 */
export function maskedConfig(clear: Fields, secrets: Fields): { config: Fields; secrets: string[] } {
  const config: Fields = { ...clear };
  for (const [key, value] of Object.entries(secrets)) {
    if (value === undefined) continue;
    if (key === 'url' && typeof value === 'string') config.url = maskUrl(value);
    else if (key === 'headers' && value && typeof value === 'object')
      config.headers = Object.fromEntries(Object.keys(value).map((name) => [name, MASK]));
  }
  if (typeof config.url === 'string') config.url = maskUrl(config.url);
  return { config, secrets: Object.keys(secrets).filter((k) => secrets[k] !== undefined) };
}

/** A URL with its password (if any) replaced by `***`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * A PATCH's configuration with its secrets completed from the stored ones: a secret field
 * left out, or sent back masked, keeps the stored value.
 */
export function withStoredSecrets(type: DestinationType, next: Fields, stored: Fields): Fields {
  const merged: Fields = { ...next };
  for (const key of DESTINATION_SECRET_FIELDS[type]) {
    const given = next[key];
    const kept = stored[key];
    if (given === undefined || given === MASK) {
      if (kept !== undefined) merged[key] = kept;
      else delete merged[key];
    } else if (key === 'headers' && given && typeof given === 'object') {
      const keptHeaders = (kept ?? {}) as Record<string, string>;
      merged.headers = Object.fromEntries(
        Object.entries(given as Record<string, unknown>)
          .map(([name, value]) => [name, value === MASK ? keptHeaders[name] : value])
          .filter(([, value]) => value !== undefined),
      );
    } else if (key === 'url' && typeof given === 'string' && typeof kept === 'string') {
      merged.url = unmaskUrl(given, kept);
    }
  }
  // A clear URL field answered masked (a webhook URL with a password) keeps its password too.
  if (typeof next.url === 'string' && typeof stored.url === 'string')
    merged.url = unmaskUrl(next.url, stored.url);
  return merged;
}

function unmaskUrl(given: string, stored: string): string {
  try {
    const parsed = new URL(given);
    if (parsed.password !== MASK && decodeURIComponent(parsed.password) !== MASK) return given;
    parsed.password = new URL(stored).password;
    return parsed.toString();
  } catch {
    return given;
  }
}
