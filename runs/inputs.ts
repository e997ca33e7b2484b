/**
 * A run's flow inputs: the values a request gives, checked against the
 * flow's `inputs:` and completed with the defaults. Pure.
 */
import type { FlowSpec } from '../flow/model.ts';
import { RunInputsError, type RunInputProblem } from './errors.ts';

/** Values a request gives, by input name (numbers and booleans are read as their text). */
export type GivenInputs = Readonly<Record<string, string | number | boolean>>;

/**
 * Every declared input's value: the given one, else its default, else "" (an
 * optional input without default). Undefined when the flow declares none and
 * none is given. Throws RunInputsError naming every unknown input, missing
 * required one, and value outside its options.
 */
export function resolveRunInputs(flow: FlowSpec, given: GivenInputs = {}): Record<string, string> | undefined {
  const declared = flow.inputs ?? {};
  const names = Object.keys(declared);
  const problems: RunInputProblem[] = [];
  for (const name of Object.keys(given)) {
    if (Object.hasOwn(declared, name)) continue;
    const known = names.length === 0 ? `${flow.uri} declares no inputs` : `${flow.uri} declares ${names.join(', ')}`;
    problems.push({ input: name, message: `unknown input "${name}": ${known}` });
  }
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const raw = Object.hasOwn(given, name) ? given[name] : undefined;
    const value = raw === undefined ? spec.default : String(raw);
    if (value === undefined && spec.required) {
      problems.push({ input: name, message: `input "${name}" is required${spec.description ? ` (${spec.description})` : ''}` });
      continue;
    }
    if (value !== undefined && spec.options !== undefined && !spec.options.includes(value)) {
      problems.push({ input: name, message: `input "${name}" must be one of ${spec.options.join(', ')}, got "${value}"` });
      continue;
    }
    values[name] = value ?? '';
  }
  if (problems.length > 0) throw new RunInputsError(problems);
  return names.length === 0 ? undefined : values;
}
