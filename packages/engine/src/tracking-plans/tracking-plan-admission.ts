import { type CallRejection, type PlannedCallType, VIOLATION_EVENT_NAME } from '@tandem/contract';
import type { CallAdmission, PreparedCalls, ScreenedCalls } from '../collect/index.js';
import { type AcceptedCall, type RejectedCall, releaseText } from '../log/index.js';
import type { SourceRef } from '../sources/index.js';
import type { CompiledPlan, PlanViolation } from './compiled-plan.js';
import { memberSpan } from './json-member.js';
import { type PlanFinding, planKey, plannedMember, refusalOf } from './plan-screens.js';
import type { ViolationCounter } from './violation-counter.js';

/** A violation of one call, handed on to be logged as a "Violation Generated" track call. */
export interface ForwardedViolation {
  readonly call: AcceptedCall;
  readonly callType: PlannedCallType;
  readonly violation: PlanViolation;
}

export interface TrackingPlanAdmissionDeps {
  /** The compiled plan of a source, from memory. */
  readonly planOf: (source: SourceRef) => CompiledPlan | undefined;
  readonly counter: ViolationCounter;
  /** Called once per request with its violations when the plan forwards them. */
  readonly forward: (source: SourceRef, violations: ForwardedViolation[]) => void;
}

/**
 * Tracking plans on the ingest path: every track and identify call of a source with a plan is
 * checked, its violations counted; in block mode unplanned events become `tracking_plan`
 * rejections, in omit mode unplanned properties (and traits) leave the payload. Calls that pass
 * unchanged keep their identity, so the batch's wire is reused as it came. Calls checked as they
 * were prepared (plan-screens.ts) under the current plan only have their findings applied here;
 * the others (a write key in the body, a plan changed meanwhile) are checked here.
 */
export class TrackingPlanAdmission implements CallAdmission {
  private readonly counts = { asPrepared: 0, atAdmission: 0 };

  constructor(private readonly deps: TrackingPlanAdmissionDeps) {}

  /** Requests whose calls were checked as they were prepared, and here, since the process started. */
  get requestsChecked(): { readonly asPrepared: number; readonly atAdmission: number } {
    return { ...this.counts };
  }

  admit(source: SourceRef, prepared: PreparedCalls): PreparedCalls {
    const plan = this.deps.planOf(source);
    if (!plan || prepared.events.length === 0) return prepared;
    const { screened } = prepared;
    if (screened?.key === planKey(source.sourceId, plan.version)) {
      this.counts.asPrepared++;
      return this.applyFindings(source, plan, prepared, screened);
    }
    this.counts.atAdmission++;
    const { events } = prepared;
    // Created at the first call that is changed or refused: a clean batch stays the same array.
    let admitted: AcceptedCall[] | undefined;
    const rejections: RejectedCall[] = [];
    const refused: { at: number; message: string }[] = [];
    const forwarded: ForwardedViolation[] = [];
    for (let at = 0; at < events.length; at++) {
      const call = events[at] as AcceptedCall;
      const outcome = this.check(source, plan, call, forwarded);
      if (outcome === call) {
        admitted?.push(call);
        continue;
      }
      admitted ??= events.slice(0, at);
      if (outcome === 'refused') {
        const rejection = rejectionOf(call);
        refused.push({ at, message: rejection.message });
        rejections.push(rejection);
      } else admitted.push(outcome);
    }
    if (forwarded.length > 0 && plan.forwardViolations) this.deps.forward(source, forwarded);
    if (!admitted) {
      // The batch's text was decoded to be checked; its bytes keep it until the commit. (A batch
      // that lost calls keeps its text: the remaining calls' wire is cut from it.)
      releaseText(events);
      return prepared;
    }
    return {
      events: admitted,
      rejections: [...prepared.rejections, ...rejections],
      rejected: mergeRejected(prepared.rejected, requestIndexesOf(prepared.rejected, refused)),
    };
  }

  /** Counts and forwards what screening found; refuses the calls it refused. */
  private applyFindings(
    source: SourceRef,
    plan: CompiledPlan,
    prepared: PreparedCalls,
    screened: ScreenedCalls,
  ): PreparedCalls {
    if (screened.findings.size === 0) return prepared;
    const { events } = prepared;
    let admitted: AcceptedCall[] | undefined;
    const rejections: RejectedCall[] = [];
    const refused: CallRejection[] = [];
    const forwarded: ForwardedViolation[] = [];
    for (let at = 0; at < events.length; at++) {
      const call = events[at] as AcceptedCall;
      const finding = screened.findings.get(call);
      if (finding) {
        // Made by plan-screens.ts under this plan's key.
        const { callType, event, violations, messageId, receivedAt } = finding.detail as PlanFinding;
        this.record(source, { callType, event, messageId, receivedAt }, violations);
        for (const violation of violations) forwarded.push({ call, callType, violation });
      }
      if (!finding?.refusal) {
        admitted?.push(call);
        continue;
      }
      admitted ??= events.slice(0, at);
      rejections.push(withParsedPayload(finding.refusal));
      refused.push({ index: finding.index, code: 'tracking_plan', message: finding.refusal.message });
    }
    if (forwarded.length > 0 && plan.forwardViolations) this.deps.forward(source, forwarded);
    if (!admitted) return prepared;
    return {
      events: admitted,
      rejections: [...prepared.rejections, ...rejections],
      rejected: mergeRejected(prepared.rejected, refused),
    };
  }

  private record(
    source: SourceRef,
    call: Pick<PlanFinding, 'callType' | 'event' | 'messageId' | 'receivedAt'>,
    violations: readonly PlanViolation[],
  ): void {
    for (const violation of violations) {
      this.deps.counter.record({
        workspaceId: source.workspaceId,
        sourceId: source.sourceId,
        callType: call.callType,
        event: call.event,
        type: violation.type,
        sample: {
          messageId: call.messageId,
          receivedAt: call.receivedAt,
          property: violation.property,
          message: violation.message,
          valueType: violation.valueType,
        },
      });
    }
  }

  /** The call as it goes on (itself, or a copy with unplanned members omitted), or 'refused'. */
  private check(
    source: SourceRef,
    plan: CompiledPlan,
    call: AcceptedCall,
    forwarded: ForwardedViolation[],
  ): AcceptedCall | 'refused' {
    const member = plannedMember(plan, call.type);
    if (member === undefined) return call;
    const callType: PlannedCallType = member === 'properties' ? 'track' : 'identify';
    const event = callType === 'track' ? (call.event ?? '') : null;
    // The violations a plan forwards are never checked against it (they would violate it in turn).
    if (event === VIOLATION_EVENT_NAME) return call;
    // Only the member the plan reads is parsed (see json-member.ts).
    const payloadJson = call.payloadJson;
    const span = memberSpan(payloadJson, member);
    const members = span ? objectOr(JSON.parse(payloadJson.slice(span.start, span.end))) : {};
    const violations = event === null ? plan.checkIdentify(members) : plan.checkTrack(event, members);
    if (violations.length === 0) return call;
    const { messageId, receivedAt } = call;
    this.record(source, { callType, event, messageId, receivedAt }, violations);
    for (const violation of violations) forwarded.push({ call, callType, violation });
    const unplanned = violations[0]?.type === 'unplanned_event';
    if (unplanned && plan.mode === 'block_unplanned_events') return 'refused';
    if (plan.mode !== 'omit_unplanned_properties' || unplanned) return call;
    if (!span || !violations.some((violation) => violation.type === 'extra_property')) return call;
    const kept = JSON.stringify(plan.keepPlanned(event, members));
    return withPayload(call, payloadJson.slice(0, span.start) + kept + payloadJson.slice(span.end));
  }
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>) // checked just above
    : {};
}

/** A plain copy of the call with another payload (a wire view's fields are getters: copied one by one). */
function withPayload(call: AcceptedCall, payloadJson: string): AcceptedCall {
  return {
    id: call.id,
    messageId: call.messageId,
    type: call.type,
    event: call.event,
    userId: call.userId,
    anonymousId: call.anonymousId,
    timestamp: call.timestamp,
    originalTimestamp: call.originalTimestamp,
    sentAt: call.sentAt,
    receivedAt: call.receivedAt,
    payloadJson,
  };
}

function rejectionOf(call: AcceptedCall): RejectedCall {
  return withParsedPayload(refusalOf(call));
}

function withParsedPayload(refusal: Omit<RejectedCall, 'payload'>): RejectedCall {
  const { code, message, payloadJson, receivedAt } = refusal;
  return {
    code,
    message,
    // Parsed only when a live debugger shows it: the log stores the text.
    get payload(): unknown {
      return JSON.parse(payloadJson);
    },
    payloadJson,
    receivedAt,
  };
}

/**
 * The request index of each refused event: events are the request's calls minus those refused
 * before (listed in `rejected`, by ascending index), in order.
 */
function requestIndexesOf(
  rejected: readonly CallRejection[],
  refused: readonly { at: number; message: string }[],
): CallRejection[] {
  const earlier = rejected.map((rejection) => rejection.index).sort((a, b) => a - b);
  const indexed: CallRejection[] = [];
  let skipped = 0;
  for (const { at, message } of refused) {
    // The event at `at` is request call `at + k`, k the earlier rejections at or before it.
    while (skipped < earlier.length && (earlier[skipped] as number) <= at + skipped) skipped++;
    indexed.push({ index: at + skipped, code: 'tracking_plan', message });
  }
  return indexed;
}

function mergeRejected(
  earlier: readonly CallRejection[],
  refused: readonly CallRejection[],
): CallRejection[] {
  return [...earlier, ...refused].sort((a, b) => a.index - b.index);
}
