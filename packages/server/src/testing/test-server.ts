import { randomBytes } from 'node:crypto';
import type { Role } from '@tandem/contract';
import { bootstrapIfEmpty, type MailOptions, type StoreKind } from '@tandem/engine';
import { openTestEngine } from '@tandem/engine/testing';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { accessOptionsOf, writeBoundsOf } from '../start-server.js';

export const TEST_ADMIN_TOKEN = 'tdm_test_owner_token_0123456789';
export const TEST_WRITE_KEY = 'wk_test_write_key_0123';
export const TEST_ADMIN_EMAIL = 'owner@example.com';
export const TEST_ADMIN_PASSWORD = 'correct horse battery';

/** A real server (in-process, not listening unless asked) on a fresh bootstrapped store. */
export async function startTestServer(
  kind: StoreKind,
  env: Record<string, string> = {},
  /** Service desk email (a desk, a relay, a listener) for the tests of that channel. */
  mail?: MailOptions,
) {
  const config = loadConfig({ TANDEM_LOG_LEVEL: 'silent', TANDEM_WEB_DIST: '/nonexistent', ...env });
  const { callLimits, maxTraitsPerProfile } = writeBoundsOf(config);
  const engine = await openTestEngine(kind, {
    collector: { maxQueuedEvents: config.maxQueuedEvents, callLimits },
    pipeline: { maxTraitsPerProfile },
    access: accessOptionsOf(config),
    // A key of its own: no secret.key file is written by tests.
    delivery: { secretKey: randomBytes(32), allowPrivateNetworks: config.allowPrivateDestinations },
    mail,
  });
  const app = await buildApp({ config, engine, logger: false });
  const bootstrap = await bootstrapIfEmpty(engine.store, engine, {
    adminEmail: TEST_ADMIN_EMAIL,
    adminPassword: TEST_ADMIN_PASSWORD,
    adminToken: TEST_ADMIN_TOKEN,
    writeKey: TEST_WRITE_KEY,
  });
  if (!bootstrap) throw new Error('test store was not empty');
  const owner = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

  return {
    app,
    engine,
    workspaceId: bootstrap.workspaceId,
    sourceId: bootstrap.sourceId,
    owner,
    /** A token of the given role in the bootstrap workspace (or another one). */
    async tokenFor(role: Role, workspaceId = bootstrap.workspaceId) {
      const token = await engine.access.tokens.create({ workspaceId, name: `${role} test token`, role });
      return { authorization: `Bearer ${token.token}` };
    },
    async close() {
      await app.close();
      await engine.dispose();
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;
