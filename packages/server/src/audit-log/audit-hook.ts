import type { AuditActor, Engine, Principal } from '@tandem/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person a write created or changed, read from its answer (`id: prof_…`, `profileId`). */
    auditProfileId: string | null;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Bodies bigger than this are recorded by their field names only. */
const MAX_RECORDED_BODY = 16_384;
/** Answers bigger than this are not searched for the person they concern. */
const MAX_SCANNED_ANSWER = 65_536;
// Secrets never reach the audit log, whatever route carries them.
const SECRET_FIELD =
  /password|secret|token|apikey|api_key|writekey|smtpurl|credentials|authorization|private_?key/i;
// A URL's password (`postgres://user:pass@host`), wherever a URL is sent.
const URL_PASSWORD = /^([a-z][a-z\d+.-]*:\/\/[^/\s:@]*:)[^/\s@]*@/i;

function redacted(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(key)) return '[redacted]';
  return typeof value === 'string' ? value.replace(URL_PASSWORD, '$1[redacted]@') : value;
}

/**
 * GET routes that read a person's data: the person's own routes (`/profiles/:id/…`,
 * `/people/:id`), any route naming a `:profileId`, and the records that belong to one person
 * (tickets, activities, tasks, SLA clocks) or list people's data (lookup, the people export).
 */
const PERSON_READS: readonly RegExp[] = [
  /^\/api\/v1\/(profiles|people)\/:id(\/|$)/,
  /:profileId(\/|$)/,
  /^\/api\/v1\/(tickets|activities|tasks)\/:id(\/|$)/,
  /^\/api\/v1\/sla-clocks\/:ticketId$/,
  /^\/api\/v1\/profiles\/lookup$/,
  /^\/api\/v1\/people\/export\.csv$/,
];

/** Write routes on one CRM record, by the entity type the CRM's own trail names it with. */
const CRM_RECORDS: Readonly<Record<string, string>> = {
  people: 'person',
  companies: 'company',
  deals: 'deal',
  tasks: 'task',
  activities: 'activity',
};
const CRM_RECORD_ROUTE = /^\/api\/v1\/(people|companies|deals|tasks|activities)\/:id(\/|$)/;

function actorOf(principal: Principal): AuditActor {
  return principal.kind === 'session'
    ? { kind: 'user', id: principal.userId }
    : { kind: 'token', id: principal.tokenId };
}

/** The request's named ids (route params; a lookup's query) as plain strings. */
function entityIdsOf(request: FastifyRequest, route: string): Record<string, string> {
  const named: Record<string, string> = {};
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') named[name] = value;
  }
  if (route === '/api/v1/profiles/lookup') {
    const query = request.query as Record<string, unknown>;
    for (const name of ['type', 'value'])
      if (typeof query[name] === 'string') named[name] = query[name] as string;
  }
  return named;
}

function profileIdOf(route: string, entityIds: Record<string, string>): string | null {
  if (entityIds.profileId) return entityIds.profileId;
  if (/^\/api\/v1\/(profiles|people)\/:id(\/|$)/.test(route)) return entityIds.id ?? null;
  return null;
}

/** The CRM record a write changed, whose trail gives the entry's before and after. */
function crmChangeOf(route: string, entityIds: Record<string, string>, elapsedMs: number) {
  const match = CRM_RECORD_ROUTE.exec(route);
  const entityType = match?.[1] ? CRM_RECORDS[match[1]] : undefined;
  if (!entityType || !entityIds.id) return undefined;
  // The trail's entries of this request were written after it started.
  return { entityType, entityId: entityIds.id, since: new Date(Date.now() - elapsedMs - 1000).toISOString() };
}

/** What a write set: its body's fields, secrets redacted; big bodies by field names only. */
export function recordedBody(body: unknown): unknown {
  if (body === undefined || body === null) return null;
  // An upload (a stream, a buffer, a string) is recorded as such: its bytes are the file's.
  const prototype = typeof body === 'object' ? Object.getPrototypeOf(body) : undefined;
  if (
    typeof body === 'string' ||
    (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null)
  )
    return { upload: true };
  const text = JSON.stringify(body, redacted);
  const fields = JSON.parse(text) as unknown;
  if (text.length <= MAX_RECORDED_BODY) return fields;
  return typeof fields === 'object' && fields !== null && !Array.isArray(fields)
    ? { truncated: true, fields: Object.keys(fields) }
    : { truncated: true };
}

/** The person an answer is about: its `profileId`, or its own `id` when that is a profile's. */
function profileOfAnswer(payload: unknown): string | null {
  if (typeof payload !== 'string' || payload.length > MAX_SCANNED_ANSWER || !payload.startsWith('{'))
    return null;
  try {
    const answer = JSON.parse(payload) as Record<string, unknown>;
    if (typeof answer.profileId === 'string') return answer.profileId;
    if (typeof answer.id === 'string' && answer.id.startsWith('prof_')) return answer.id;
  } catch {
    // Not JSON: nothing to learn from it.
  }
  return null;
}

/**
 * Records in the audit log every read of a person's data and every change made through the
 * admin API, once answered: who (the user, or the token), the route as declared, the ids it
 * named, the body a change sent. Appends are batched by the engine, off the request's path.
 * Routes under /api/v1/privacy keep no body: their identifiers are what a request erases.
 */
export function installAuditHook(app: FastifyInstance, engine: Engine): void {
  app.decorateRequest('auditProfileId', null);
  // The person a change created, or a lookup found, is known from the answer only.
  app.addHook('onSend', async (request, _reply, payload) => {
    const route = request.routeOptions.url ?? '';
    if (request.principal && (WRITE_METHODS.has(request.method) || route === '/api/v1/profiles/lookup'))
      request.auditProfileId = profileOfAnswer(payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const principal = request.principal;
    const route = request.routeOptions.url;
    if (!principal || !route?.startsWith('/api/v1/')) return;
    const write = WRITE_METHODS.has(request.method);
    if (!write && (reply.statusCode >= 400 || !PERSON_READS.some((pattern) => pattern.test(route)))) return;
    const entityIds = entityIdsOf(request, route);
    engine.auditLog.record({
      workspaceId: principal.workspaceId,
      at: new Date().toISOString(),
      actor: actorOf(principal),
      action: write ? 'write' : 'read',
      method: request.method,
      route,
      status: reply.statusCode,
      profileId: profileIdOf(route, entityIds) ?? request.auditProfileId,
      entityIds,
      after: write && !route.startsWith('/api/v1/privacy') ? recordedBody(request.body) : null,
      crmChange: write ? crmChangeOf(route, entityIds, reply.elapsedTime) : undefined,
    });
  });
}
