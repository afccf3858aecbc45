import type { AcceptedCall, RejectedCall } from '../log/index.js';

/**
 * What a screen found in one call while it was prepared. Only a finding is kept: its admission,
 * on the event loop after the admissions before it, decides what becomes of the call.
 */
export interface ScreenFinding {
  /** The call's index in its request. */
  readonly index: number;
  /** The call as the debugger shows it, should the admission refuse it (its payload parsed there). */
  readonly refusal?: Omit<RejectedCall, 'payload'> | undefined;
  /** What the admission needs to know of the call (a plan's violations); cloned across threads. */
  readonly detail: unknown;
}

/** A screen's look at one raw call, before it is normalized. */
export interface ScreenedCall {
  /** The call to normalize instead (members the screen omits); absent: the call as it came. */
  readonly call?: Record<string, unknown> | undefined;
  /** The finding, once the call is normalized (a call that fails normalization has none). */
  readonly finding: (accepted: AcceptedCall, index: number) => ScreenFinding;
}

/**
 * A per-source check run where calls are parsed (on preparation threads, or the event loop for
 * small bodies): it saves the event loop from reading the calls' text again to check them.
 */
export interface CallScreen {
  /** Names the rules it checks with: an admission trusts findings made under its current rules only. */
  readonly key: string;
  /** Looks at a raw call of the source; undefined when it finds nothing. */
  screen(call: Record<string, unknown>): ScreenedCall | undefined;
}

/** Every source's screen, in one thread; each thread holds its own, given the same rules. */
export interface PreparationScreens {
  /** The screen of a source, or undefined when its calls are not screened. */
  screenOf(sourceId: string): CallScreen | undefined;
  /** Sets a source's rules (null removes them), as handed to every thread. */
  setRules(sourceId: string, rules: unknown): void;
}

/**
 * Where preparation threads load their screens: a module exporting `createPreparationScreens()`,
 * and the rules every source has now (later changes are posted).
 */
export interface ScreensModule {
  readonly url: string;
  readonly rules: ReadonlyArray<readonly [sourceId: string, rules: unknown]>;
}

/** Findings of one request's calls, kept by call so earlier admissions may drop calls. */
export interface ScreenedCalls {
  readonly key: string;
  readonly findings: ReadonlyMap<AcceptedCall, ScreenFinding>;
}
