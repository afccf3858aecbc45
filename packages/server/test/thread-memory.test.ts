import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ENGINE = fileURLToPath(new URL('../../engine/dist/index.js', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('../../engine/dist/email/template-compiler.js', import.meta.url));

/** The CommonJS packages among `names` that a fresh process has loaded after `script`. */
async function loadedAfter(script: string, names: readonly string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module';
     await import(${JSON.stringify(ENGINE)});
     ${script}
     const loaded = Object.keys(createRequire(import.meta.url).cache);
     console.log(JSON.stringify(${JSON.stringify(names)}.filter((name) => loaded.some((file) => file.includes('/node_modules/' + name + '/')))));`,
  ]);
  return JSON.parse(stdout) as string[];
}

// Every thread of the server that imports the engine (the event loop, the pipeline thread) pays
// for what it loads: the heavy packages load where first used.
describe('what a thread importing the engine loads', () => {
  const HEAVY = ['mjml', 'mailparser', '@duckdb/node-api'];

  it('leaves mjml, mailparser and DuckDB until they are used', async () => {
    expect(await loadedAfter('', HEAVY)).toEqual([]);
  });

  it('loads mjml at the first template compiled', async () => {
    const compile = `const { compileTemplate } = await import(${JSON.stringify(TEMPLATES)});
      await compileTemplate({ subject: 'Hi', mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>' });`;
    expect(await loadedAfter(compile, HEAVY)).toEqual(['mjml']);
  });
});
