import { type PlannedCallType, type TrackingPlanInput, VIOLATION_EVENT_NAME } from '@tandem/contract';
import type { CallScreen, PreparationScreens, ScreenedCall } from '../collect/index.js';
import type { AcceptedCall, RejectedCall } from '../log/index.js';
import type { SourceRef } from '../sources/index.js';
import { CompiledPlan, type PlanViolation } from './compiled-plan.js';

/** A source's plan as handed to every preparation thread. */
export interface PlanRules {
  readonly workspaceId: string;
  readonly version: number;
  readonly plan: TrackingPlanInput;
}

/** What checking one call against its plan found: the finding's detail, read by the admission. */
export interface PlanFinding {
  readonly callType: PlannedCallType;
  readonly event: string | null;
  readonly violations: PlanViolation[];
  readonly messageId: string;
  readonly receivedAt: string;
}

/** The key findings made under a plan version carry; the admission trusts its current one only. */
export function planKey(sourceId: string, version: number): string {
  return `${sourceId}@${version}`;
}

/** The calls a plan checks, and the member of each it reads (track properties, identify traits). */
export function plannedMember(plan: CompiledPlan, type: unknown): 'properties' | 'traits' | undefined {
  if (type === 'track') return 'properties';
  return type === 'identify' && plan.checksIdentify ? 'traits' : undefined;
}

/**
 * Every source's compiled plan, in one thread. On preparation threads each raw call is checked
 * as it is parsed; unplanned members are omitted before the call is normalized (omit mode), and
 * violations and refusals become findings for the admission on the event loop.
 */
export class PlanScreens implements PreparationScreens {
  private readonly bySource = new Map<string, { workspaceId: string; screen: PlanScreen }>();

  setRules(sourceId: string, rules: unknown): void {
    if (rules === null) {
      this.bySource.delete(sourceId);
      return;
    }
    // Only TrackingPlansService hands rules here (see its remember()).
    const { workspaceId, version, plan } = rules as PlanRules;
    if (this.bySource.get(sourceId)?.screen.plan.version === version) return;
    const compiled = CompiledPlan.compile(plan, version);
    this.bySource.set(sourceId, {
      workspaceId,
      screen: new PlanScreen(planKey(sourceId, version), compiled),
    });
  }

  screenOf(sourceId: string): CallScreen | undefined {
    return this.bySource.get(sourceId)?.screen;
  }

  /** The source's compiled plan, when it has one in its own workspace. */
  planOf(source: SourceRef): CompiledPlan | undefined {
    const held = this.bySource.get(source.sourceId);
    return held?.workspaceId === source.workspaceId ? held.screen.plan : undefined;
  }

  /** The sources holding a plan, with its version. */
  versions(): Map<string, number> {
    return new Map([...this.bySource].map(([sourceId, held]) => [sourceId, held.screen.plan.version]));
  }
}

/** Loaded by each preparation thread (see collect/preparation-screen.ts). */
export function createPreparationScreens(): PreparationScreens {
  return new PlanScreens();
}

class PlanScreen implements CallScreen {
  constructor(
    readonly key: string,
    readonly plan: CompiledPlan,
  ) {}

  screen(call: Record<string, unknown>): ScreenedCall | undefined {
    const { plan } = this;
    const member = plannedMember(plan, call.type);
    if (member === undefined) return undefined;
    const event = member === 'properties' ? call.event : null;
    // A track call without a name is refused by normalization; the plan's own forwarded
    // violations are never checked against it (they would violate it in turn).
    if (event !== null && (typeof event !== 'string' || event === VIOLATION_EVENT_NAME)) return undefined;
    const value = call[member];
    const members = isObject(value) ? value : {};
    const violations = event === null ? plan.checkIdentify(members) : plan.checkTrack(event, members);
    if (violations.length === 0) return undefined;
    const unplanned = violations[0]?.type === 'unplanned_event';
    const refused = unplanned && plan.mode === 'block_unplanned_events';
    const omits =
      !unplanned &&
      plan.mode === 'omit_unplanned_properties' &&
      isObject(value) &&
      violations.some((violation) => violation.type === 'extra_property');
    const callType: PlannedCallType = event === null ? 'identify' : 'track';
    return {
      call: omits ? Object.assign({}, call, { [member]: plan.keepPlanned(event, members) }) : undefined,
      finding: (accepted, index) => ({
        index,
        refusal: refused ? refusalOf(accepted) : undefined,
        detail: {
          callType,
          event,
          violations,
          messageId: accepted.messageId,
          receivedAt: accepted.receivedAt,
        } satisfies PlanFinding,
      }),
    };
  }
}

/** An unplanned event refused in block mode, as the source debugger keeps it. */
export function refusalOf(call: AcceptedCall): Omit<RejectedCall, 'payload'> {
  return {
    code: 'tracking_plan',
    message: `event "${call.event ?? ''}" is not in the source's tracking plan (mode block_unplanned_events)`,
    payloadJson: call.payloadJson,
    receivedAt: call.receivedAt,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
