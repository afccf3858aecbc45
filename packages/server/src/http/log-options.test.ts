import { bootstrapIfEmpty } from '@tandem/engine';
import { openTestEngine } from '@tandem/engine/testing';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TEST_ADMIN_TOKEN } from '../testing/test-server.js';

describe('request logs', () => {
  it('carry neither query strings nor credentials nor personal values', async () => {
    const lines: string[] = [];
    const logStream = { write: (line: string) => void lines.push(line) };
    const config = loadConfig({ TANDEM_LOG_LEVEL: 'info', TANDEM_WEB_DIST: '/nonexistent' });
    const engine = await openTestEngine('sqlite');
    const app = await buildApp({ config, engine, logStream });
    try {
      await bootstrapIfEmpty(engine.store, engine, {
        adminEmail: TEST_ADMIN_EMAIL,
        adminPassword: TEST_ADMIN_PASSWORD,
        adminToken: TEST_ADMIN_TOKEN,
      });
      const owner = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
      const search = await app.inject({
        url: '/api/v1/profiles?q=ada%40example.com&limit=5',
        headers: owner,
      });
      expect(search.statusCode).toBe(200);
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login?email=ada@example.com',
        payload: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      // Our own log lines go through the same redaction.
      app.log.warn({ email: 'ada@example.com', user: { password: TEST_ADMIN_PASSWORD } }, 'a careless line');

      const logged = lines.join('');
      expect(logged).toContain('"url":"/api/v1/profiles"');
      expect(logged).toContain('a careless line');
      for (const secret of ['ada@example.com', 'ada%40example.com', TEST_ADMIN_PASSWORD, TEST_ADMIN_TOKEN]) {
        expect(logged, secret).not.toContain(secret);
      }
      expect(logged).not.toContain('?');
    } finally {
      await app.close();
      await engine.dispose();
    }
  });
});
