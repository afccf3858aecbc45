import type { SourceRef } from '../sources/index.js';
import type { PreparedCalls } from './tracking-request.js';

/**
 * A check every call passes between preparation and the log (suppressed identifiers, tracking
 * plans). It answers from memory: it runs on the ingest path of every request.
 */
export interface CallAdmission {
  /** The calls that go on to the log; refused ones move to `rejections` / `rejected`, dropped ones vanish. */
  admit(source: SourceRef, prepared: PreparedCalls): PreparedCalls;
}
