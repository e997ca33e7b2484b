/**
 * `inputs:` — the values a person gives when starting a run by hand
 * (`NAME: { description, default, required, options }`, or `NAME: "default"`).
 * Scheduled and webhook runs take the defaults, so a flow with such triggers
 * cannot require an input that has none.
 */
import { isMap, isScalar } from 'yaml';
import { FLOW_INPUT_NAME, type FlowInputSpec, type TriggerSpec } from './model.ts';
import type { Field, YamlReader } from './yaml-reader.ts';

const INPUT_FIELDS = ['description', 'default', 'required', 'options'];

/**
 * Reads the flow's inputs; a bad one is reported at its line:column and left out
 * of `inputs`, but its name stays in `names` (expressions reading it are not reported twice).
 */
export function readFlowInputs(r: YamlReader, field: Field, triggers: readonly TriggerSpec[]): { inputs: Record<string, FlowInputSpec>; names: Set<string> } {
  const inputs: Record<string, FlowInputSpec> = {};
  const names = new Set<string>();
  const map = r.map(field);
  if (map === undefined) return { inputs, names };
  for (const entry of map.entries) {
    names.add(entry.key);
    if (!FLOW_INPUT_NAME.test(entry.key)) {
      r.reportAt(entry.keyOffset, entry.field.path, `"${entry.key}" is not an input name (a letter or _, then letters, digits, _ and -)`);
      continue;
    }
    const input = readInput(r, entry.field);
    if (input === undefined) continue;
    if (input.required && triggers.length > 0) {
      const kinds = [...new Set(triggers.map((t) => t.kind))].join(', ');
      r.report(entry.field, `input "${entry.key}" is required and has no default, but the flow's triggers (${kinds}) start runs without inputs; give it a default`);
      continue;
    }
    inputs[entry.key] = input;
  }
  return { inputs, names };
}

/** One input: empty (optional, empty default), a scalar (its default), or a mapping. */
function readInput(r: YamlReader, field: Field): FlowInputSpec | undefined {
  if (field.node === null) return { required: false };
  if (isScalar(field.node)) {
    const value = r.text(field);
    return value === undefined ? undefined : { default: value, required: false };
  }
  if (!isMap(field.node)) {
    r.report(field, 'an input is a default value or a mapping of description, default, required, options');
    return undefined;
  }
  const m = r.map(field, INPUT_FIELDS);
  if (m === undefined) return undefined;
  const text = (key: string): string | undefined => {
    const f = m.get(key);
    return f === undefined ? undefined : r.text(f);
  };
  const description = text('description');
  const defaultValue = text('default');
  const requiredField = m.get('required');
  const required = (requiredField === undefined ? undefined : r.boolean(requiredField)) ?? false;
  if (required && requiredField !== undefined && defaultValue !== undefined) {
    r.report(requiredField, 'a required input takes no default (the default would always fill it in); drop "required" or "default"');
    return undefined;
  }
  const options = readOptions(r, m.get('options'));
  if (options !== undefined && defaultValue !== undefined && !options.includes(defaultValue)) {
    r.report(m.get('default') ?? field, `default "${defaultValue}" is not one of the options (${options.join(', ')})`);
    return undefined;
  }
  if (options !== undefined && defaultValue === undefined && !required) {
    r.report(m.get('options') ?? field, 'an input with options needs a default (one of them) or "required: true"');
    return undefined;
  }
  return {
    ...(description === undefined ? {} : { description }),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    required,
    ...(options === undefined ? {} : { options }),
  };
}

/** `options`: a non-empty list of distinct values. */
function readOptions(r: YamlReader, field: Field | undefined): string[] | undefined {
  if (field === undefined) return undefined;
  const options = r.stringList(field);
  if (options === undefined) return undefined;
  if (options.length === 0) {
    r.report(field, 'options must list at least one value');
    return undefined;
  }
  const duplicate = options.find((o, i) => options.indexOf(o) !== i);
  if (duplicate !== undefined) {
    r.report(field, `option "${duplicate}" is listed twice`);
    return undefined;
  }
  return options;
}
