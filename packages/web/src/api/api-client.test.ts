import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiClient, endsSession, setCsrfToken, withPage } from './api-client';

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function stubFetch(response: Response) {
  const fetchMock = vi.fn(async (_path: string, _init: RequestInit) => response);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function sentHeaders(fetchMock: ReturnType<typeof stubFetch>): Record<string, string> {
  const init = fetchMock.mock.calls[0]?.[1];
  // The client always passes a plain object of headers.
  return (init?.headers ?? {}) as Record<string, string>;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

describe('apiClient', () => {
  it('sends the CSRF token on writes and the session cookie with every call', async () => {
    setCsrfToken('csrf-1');
    const fetchMock = stubFetch(answer(200, { id: 'src_1' }));
    await apiClient.post('/api/v1/sources', { name: 'Website' });
    expect(sentHeaders(fetchMock)['X-CSRF-Token']).toBe('csrf-1');
    expect(fetchMock.mock.calls[0]?.[1].credentials).toBe('same-origin');
    expect(fetchMock.mock.calls[0]?.[1].body).toBe('{"name":"Website"}');
  });

  it('leaves the CSRF token off reads', async () => {
    setCsrfToken('csrf-1');
    const fetchMock = stubFetch(answer(200, { data: [], nextCursor: null }));
    await apiClient.get('/api/v1/sources');
    expect(sentHeaders(fetchMock)['X-CSRF-Token']).toBeUndefined();
  });

  it('throws an ApiError carrying the code and message of the error body', async () => {
    stubFetch(answer(401, { error: { code: 'invalid_credentials', message: 'Wrong email or password' } }));
    const failure = await apiClient.post('/api/v1/auth/login', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
      message: 'Wrong email or password',
    });
  });

  it('still names a rate limit when the answer has no error body', async () => {
    stubFetch(new Response('slow down', { status: 429 }));
    const failure = await apiClient.get('/api/v1/auth/session').catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('resolves a 204 answer to undefined', async () => {
    stubFetch(answer(204));
    await expect(apiClient.delete('/api/v1/tokens/tok_1')).resolves.toBeUndefined();
  });
});

describe('withPage', () => {
  it('adds only the paging parameters that are set', () => {
    expect(withPage('/api/v1/tokens', { cursor: null })).toBe('/api/v1/tokens');
    expect(withPage('/api/v1/tokens', { limit: 20, cursor: 'abc' })).toBe(
      '/api/v1/tokens?limit=20&cursor=abc',
    );
  });

  it('adds filters and leaves empty ones out', () => {
    expect(withPage('/api/v1/profiles', { q: 'ada@example.com', limit: 50, cursor: null })).toBe(
      '/api/v1/profiles?q=ada%40example.com&limit=50',
    );
    expect(withPage('/api/v1/profiles/p/events', { event: '' })).toBe('/api/v1/profiles/p/events');
  });
});

describe('endsSession', () => {
  it('is true for a 401 that is not a refused password', () => {
    expect(endsSession(new ApiError({ status: 401, code: 'unauthorized', message: 'Sign in' }))).toBe(true);
    expect(endsSession(new ApiError({ status: 401, code: 'http_error', message: 'Unauthorized' }))).toBe(
      true,
    );
  });

  it('is false for a wrong password and for other failures', () => {
    const wrongPassword = new ApiError({
      status: 401,
      code: 'invalid_credentials',
      message: 'The current password is wrong',
    });
    expect(endsSession(wrongPassword)).toBe(false);
    expect(endsSession(new ApiError({ status: 403, code: 'forbidden', message: 'No' }))).toBe(false);
    expect(endsSession(new TypeError('offline'))).toBe(false);
  });
});
