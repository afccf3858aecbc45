// Builds what is missing or stale, so `npm start` and `npm test` work right after `npm install`.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function run(command) {
  console.error(`> ${command}`);
  execSync(command, { cwd: root, stdio: 'inherit' });
}

// tsc -b is incremental: it rebuilds only packages whose sources changed.
run('npx tsc -b packages/contract packages/engine packages/server');

const webIndex = join(root, 'packages/web/dist/index.html');
const webInputs = Math.max(
  newestMtime(join(root, 'packages/web/src')),
  newestMtime(join(root, 'packages/contract/src')),
);
if (!existsSync(webIndex) || statSync(webIndex).mtimeMs < webInputs) run('npm run build -w @tandem/web');
