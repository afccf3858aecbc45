import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources of the sibling packages, so no build is needed first.
    alias: [
      { find: /^@tandem\/contract$/, replacement: source('./packages/contract/src/index.ts') },
      { find: /^@tandem\/engine\/testing$/, replacement: source('./packages/engine/src/testing/index.ts') },
      { find: /^@tandem\/engine$/, replacement: source('./packages/engine/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
