import { Worker } from 'node:worker_threads';
import { AppError } from '../errors/index.js';

/** zxcvbn's 0–4 score a new password needs: 3 is "safely unguessable" for a slow hash offline. */
const MIN_SCORE = 3;
/** Only the start of a long password is analysed: zxcvbn's time grows steeply with length. */
const ANALYSED_CHARACTERS = 40;
/**
 * The thread and its dictionaries (~70 MB) are let go once no password has been checked for this
 * long: checks come in bursts (a sign-up, a reset), and reloading costs ~0.4 s.
 */
const IDLE_MS = 15_000;

// zxcvbn takes up to ~1 s on some 60-character keyboard patterns and ~0.4 s to load its
// dictionaries, so it runs on a thread of its own, never on the event loop. The thread's code is
// inline, so it runs the same from sources (tests) and from the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zxcvbn = Promise.all(workerData.modules.map((url) => import(url))).then(
  ([core, common, en]) =>
    new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    }),
);
parentPort.on('message', async ({ id, password, userInputs }) => {
  try {
    const result = (await zxcvbn).check(password, userInputs);
    parentPort.postMessage({ id, score: result.score, warning: result.feedback.warning, suggestions: result.feedback.suggestions });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

interface StrengthAnswer {
  id: number;
  score?: number;
  warning?: string | null;
  suggestions?: string[];
  error?: string;
}

/** Checks new passwords against common passwords, words, names and patterns (zxcvbn). */
export class PasswordStrength {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, (answer: StrengthAnswer) => void>();

  constructor(private readonly idleMs = IDLE_MS) {}

  /**
   * Throws a validation error naming `field` when the password is too easy to guess.
   * `userInputs` (the email, a name) count as guessable words.
   */
  async assertStrong(password: string, field: string, userInputs: readonly string[] = []): Promise<void> {
    const problem = password.trim() === '' ? 'It is only spaces.' : await this.weakness(password, userInputs);
    if (problem === undefined) return;
    const message = `The password is too easy to guess. ${problem}`.trim();
    throw new AppError('validation_failed', message, { details: [{ path: field, message }] });
  }

  /** Why the password is weak, or undefined when it is strong enough. */
  private async weakness(password: string, userInputs: readonly string[]): Promise<string | undefined> {
    const answer = await this.ask(password.slice(0, ANALYSED_CHARACTERS), userInputs);
    if (answer.error !== undefined) throw new Error(`password strength check failed: ${answer.error}`);
    if ((answer.score ?? 0) >= MIN_SCORE) return undefined;
    return [answer.warning, ...(answer.suggestions ?? [])].filter(Boolean).join(' ');
  }

  private ask(password: string, userInputs: readonly string[]): Promise<StrengthAnswer> {
    const worker = this.startWorker();
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, password, userInputs: [...userInputs] });
    });
  }

  private startWorker(): Worker {
    if (this.worker) return this.worker;
    const modules = ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'].map((name) =>
      import.meta.resolve(name),
    );
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modules } });
    worker.unref();
    worker.on('message', (answer: StrengthAnswer) => {
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) this.stopWhenIdle(worker);
    });
    worker.on('error', (error) => this.fail(String(error)));
    worker.on('exit', () => {
      // A thread let go when idle has nothing pending; a newer one may have.
      if (this.worker !== worker) return;
      this.fail('the strength checker stopped');
      this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private stopWhenIdle(worker: Worker): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && this.pending.size === 0) {
        this.worker = undefined;
        worker.terminate().catch(() => undefined);
      }
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private fail(reason: string): void {
    for (const [id, resolve] of this.pending) resolve({ id, error: reason });
    this.pending.clear();
  }

  /** Whether the checking thread is running (it stops when idle). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.worker?.terminate();
  }
}
