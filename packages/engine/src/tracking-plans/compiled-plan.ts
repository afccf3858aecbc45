import type { TrackingPlanInput, TrackingPlanMode, ViolationType } from '@tandem/contract';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError } from '../errors/index.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose
// `default` is the plugin (the same function module.exports holds).
const addFormats = addFormatsModule.default;

/** One way a call broke its plan: where (a property path, null for the event itself) and why. */
export interface PlanViolation {
  readonly type: ViolationType;
  readonly property: string | null;
  readonly message: string;
  /** The JSON type of the value received, when there was one (no value is kept: it may be personal). */
  readonly valueType: string | null;
}

/** A JSON Schema compiled for one event (or identify traits), with its top-level property names. */
interface CompiledSchema {
  readonly validate: ValidateFunction;
  /** The properties it lists; null when it allows any (additionalProperties true or a schema). */
  readonly planned: ReadonlySet<string> | null;
}

/**
 * A source's plan compiled once per version: ajv validators per event name and for identify traits.
 * Checking a call is a map lookup, one validator run and a walk of its top-level keys.
 */
export class CompiledPlan {
  private constructor(
    readonly version: number,
    readonly mode: TrackingPlanMode,
    readonly forwardViolations: boolean,
    private readonly events: ReadonlyMap<string, CompiledSchema>,
    private readonly identify: CompiledSchema | null,
  ) {}

  /** Compiles every schema; an invalid one throws `validation_failed` naming its field. */
  static compile(plan: TrackingPlanInput, version: number): CompiledPlan {
    // An instance per plan version: ajv caches what it compiles, a shared one would only grow.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true });
    addFormats(ajv);
    const events = new Map<string, CompiledSchema>();
    plan.events.forEach((event, index) => {
      events.set(event.name, compileSchema(ajv, event.schema, `events.${index}.schema`));
    });
    const identify = plan.identify ? compileSchema(ajv, plan.identify.schema, 'identify.schema') : null;
    return new CompiledPlan(version, plan.mode, plan.forwardViolations, events, identify);
  }

  /** Whether the plan lists this track event. */
  plans(event: string): boolean {
    return this.events.has(event);
  }

  /** Whether identify calls are checked. */
  get checksIdentify(): boolean {
    return this.identify !== null;
  }

  /** What breaks the plan in a track call's properties (an unplanned event is one violation). */
  checkTrack(event: string, properties: Record<string, unknown>): PlanViolation[] {
    const schema = this.events.get(event);
    if (!schema) {
      return [
        { type: 'unplanned_event', property: null, message: `${event} is not in the plan`, valueType: null },
      ];
    }
    return violationsOf(schema, properties);
  }

  /** What breaks the plan in an identify call's traits (none when identify is not planned). */
  checkIdentify(traits: Record<string, unknown>): PlanViolation[] {
    return this.identify ? violationsOf(this.identify, traits) : [];
  }

  /** The members the plan lists for the event (or identify, event null); all of them when it allows any. */
  keepPlanned(event: string | null, members: Record<string, unknown>): Record<string, unknown> {
    const schema = event === null ? this.identify : this.events.get(event);
    if (!schema?.planned) return members;
    const planned = schema.planned;
    return Object.fromEntries(Object.entries(members).filter(([name]) => planned.has(name)));
  }
}

function compileSchema(ajv: Ajv, schema: Record<string, unknown>, field: string): CompiledSchema {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('validation_failed', `${field} is not a valid JSON Schema: ${message}`, {
      details: [{ path: field, message }],
    });
  }
  const extra = schema.additionalProperties;
  const allowsAny = extra === true || (typeof extra === 'object' && extra !== null);
  const listed = schema.properties;
  const planned =
    allowsAny || typeof listed !== 'object' || listed === null ? null : new Set(Object.keys(listed));
  return { validate, planned };
}

function violationsOf(schema: CompiledSchema, members: Record<string, unknown>): PlanViolation[] {
  const violations: PlanViolation[] = [];
  if (!schema.validate(members)) {
    for (const error of schema.validate.errors ?? []) {
      const violation = violationOfError(error);
      if (violation) violations.push(violation);
    }
  }
  // Extra members are found here rather than by additionalProperties: a plan need not say false.
  if (schema.planned) {
    for (const name of Object.keys(members)) {
      if (!schema.planned.has(name)) {
        violations.push({
          type: 'extra_property',
          property: name,
          message: `${name} is not planned`,
          valueType: jsonTypeOf(members[name]),
        });
      }
    }
  }
  return violations;
}

/** An ajv error as a violation; top-level additionalProperties errors are left to the extra-member walk. */
function violationOfError(error: ErrorObject): PlanViolation | undefined {
  const at = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty ?? '');
    const property = at === '' ? missing : `${at}.${missing}`;
    return {
      type: 'required_property_missing',
      property,
      message: `${property} is required`,
      valueType: null,
    };
  }
  if (error.keyword === 'additionalProperties') {
    if (at === '') return undefined;
    const extra = String((error.params as { additionalProperty?: unknown }).additionalProperty ?? '');
    return {
      type: 'extra_property',
      property: `${at}.${extra}`,
      message: `${at}.${extra} is not planned`,
      valueType: null,
    };
  }
  // type, enum, format, minimum…: the value is not what the plan says it is.
  return {
    type: 'wrong_type',
    property: at === '' ? null : at,
    message: `${at === '' ? 'the call' : at} ${error.message ?? 'does not match the plan'}`,
    valueType: jsonTypeOf(error.data),
  };
}

/** The JSON type name of a value: string, number, boolean, null, array or object. */
export function jsonTypeOf(value: unknown): string | null {
  if (value === undefined) return null;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
