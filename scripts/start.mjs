// `npm start`: build what is missing, then run the server on embedded storage (or DATABASE_URL).
import { spawn } from 'node:child_process';
import './ensure-built.mjs';

const server = spawn(process.execPath, ['packages/server/dist/cli.js', 'start', ...process.argv.slice(2)], {
  cwd: new URL('..', import.meta.url).pathname,
  stdio: 'inherit',
});
// Pass Ctrl-C / SIGTERM on so the server shuts down gracefully.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
