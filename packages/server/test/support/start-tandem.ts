import { type ChildProcess, spawn } from 'node:child_process';

// Tests in this folder run the built CLI (`npm test` builds first), exactly as an operator would.
export const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

export /** Starts `tandem start` on a free port and resolves once it logs where it listens. */
function startTandem(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`tandem exited with ${code}: ${output}`)));
  });
}
