import type { ErrorBody, ErrorDetail } from '@tandem/contract';

/** One page of a list endpoint: `{ data, nextCursor }`. */
export type Page<T> = { data: T[]; nextCursor: string | null };

/** A failed API call, built from the server's `{ error: { code, message, details } }` body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly ErrorDetail[];

  constructor(options: { status: number; code: string; message: string; details?: readonly ErrorDetail[] }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.details = options.details ?? [];
  }
}

/**
 * Whether a failed call means the session is gone (expired, revoked, signed out elsewhere). A
 * 401 `invalid_credentials` is a refused password, in a sign-in or a password change, instead.
 */
export function endsSession(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code !== 'invalid_credentials';
}

// The session's CSRF token; the session hook keeps it current so every call site stays simple.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // The server rejects cookie-authenticated writes without the token (double-submit CSRF guard).
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await errorFrom(response);
  // `T` is `void` for 204 answers; the cast only names that.
  if (response.status === 204) return undefined as T;
  // The server serializes its answers from the contract schemas, so the shape is trusted here.
  return (await response.json()) as T;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (isErrorBody(body)) {
    return new ApiError({ status: response.status, ...body.error });
  }
  // A proxy or a crash can answer without the JSON error body; keep the status meaningful.
  return new ApiError({
    status: response.status,
    code: response.status === 429 ? 'rate_limited' : 'http_error',
    message: response.statusText || `Request failed with status ${response.status}`,
  });
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const { error } = value;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

/** Append `?limit=&cursor=` and any filters (`q`, `event`, …) without sending empty parameters. */
/**
 * Every item of a paged list, page after page, up to `max` (a picker offers all of them, not the
 * first page); the answer is one page whose `nextCursor` says whether `max` cut it short.
 */
export async function everyPage<T>(
  load: (cursor: string | null) => Promise<Page<T>>,
  max = 10_000,
): Promise<Page<T>> {
  const data: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await load(cursor);
    data.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor !== null && data.length < max);
  return { data, nextCursor: cursor };
}

export function withPage(path: string, params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** Sends a file as the raw request body (imports stream it to disk on the server). */
async function upload<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': contentType };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: file });
  if (!response.ok) throw await errorFrom(response);
  // The server serializes its answers from the contract schemas.
  return (await response.json()) as T;
}

export const apiClient = {
  upload,
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};
