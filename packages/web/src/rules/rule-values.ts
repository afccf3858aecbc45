import type { ConditionOp, ConditionValue } from '@tandem/contract';
import { operandOf, type ValueType, valueTypeForOp } from './condition-ops';

/** What a condition's value inputs hold: text as typed, read as `type` when the rule is built. */
export type ValueState = { type: ValueType; text: string; list: string[] };

export const emptyValue = (type: ValueType = 'string'): ValueState => ({ type, text: '', list: [] });

const DURATION = /^[1-9][0-9]{0,5}[mhd]$/;

/** A condition's value for the rule, or the sentence saying what is missing. */
export type BuiltValue = { ok: true; value: ConditionValue | undefined } | { ok: false; problem: string };

export function valueForRule(op: ConditionOp, state: ValueState): BuiltValue {
  switch (operandOf(op)) {
    case 'none':
      return { ok: true, value: undefined };
    case 'duration':
      return DURATION.test(state.text)
        ? { ok: true, value: state.text }
        : { ok: false, problem: 'Enter how long ago, like 7 days.' };
    case 'list': {
      if (state.list.length === 0) return { ok: false, problem: 'Add at least one value.' };
      const values: (string | number | boolean)[] = [];
      for (const text of state.list) {
        const scalar = scalarOf(text, state.type);
        if (!scalar.ok) return scalar;
        values.push(scalar.value);
      }
      return { ok: true, value: values };
    }
    case 'single':
      return scalarOf(state.text, valueTypeForOp(op, state.type));
  }
}

function scalarOf(
  text: string,
  type: ValueType,
): { ok: true; value: string | number | boolean } | { ok: false; problem: string } {
  switch (type) {
    case 'number': {
      const number = Number(text.trim());
      return text.trim() === '' || !Number.isFinite(number)
        ? { ok: false, problem: 'Enter a number.' }
        : { ok: true, value: number };
    }
    case 'boolean':
      return text === 'true' || text === 'false'
        ? { ok: true, value: text === 'true' }
        : { ok: false, problem: 'Choose true or false.' };
    case 'date':
      return text !== '' && !Number.isNaN(Date.parse(text))
        ? { ok: true, value: text }
        : { ok: false, problem: 'Pick a date.' };
    case 'string':
      return text === '' ? { ok: false, problem: 'Enter a value.' } : { ok: true, value: text };
  }
}

/** The inputs' state of a condition read from a stored rule. */
export function valueFromRule(op: ConditionOp, value: ConditionValue | undefined): ValueState {
  if (value === undefined) return emptyValue(op === 'within_last' ? 'date' : 'string');
  if (Array.isArray(value)) {
    return { type: typeOfScalar(value[0] ?? ''), text: '', list: value.map(String) };
  }
  if (op === 'within_last' || op === 'before' || op === 'after') {
    return { type: 'date', text: String(value), list: [] };
  }
  return { type: typeOfScalar(value), text: String(value), list: [] };
}

function typeOfScalar(value: string | number | boolean): ValueType {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
}
