/** Reads a job's `kubectl:` (ContainerOps' Pod template) and checks an inline template where it is written. */
import { isMap, stringify } from 'yaml';
import { checkPodTemplate, podTemplateRef } from './pod-template.ts';
import type { Field, YamlReader } from './yaml-reader.ts';

/** `kubectl:` as read: the manifest when it is inline, else the path or URL still to be read. */
export interface KubectlValue {
  /** As written for a path or URL; `inline` when the manifest is in the flow. */
  readonly kubectl: string;
  /** The manifest's YAML, when inline (checked). */
  readonly podTemplate?: string;
  /** Its first container's image, if it names one. */
  readonly image?: string;
}

/**
 * A string (a path, a URL, or the manifest as a block scalar or JSON string)
 * or a mapping (the manifest written as YAML in the flow). An inline manifest
 * that is not a usable Pod is reported at the field.
 */
export function readKubectl(r: YamlReader, f: Field): KubectlValue | undefined {
  let text: string;
  if (isMap(f.node)) {
    text = stringify(f.node.toJSON());
  } else {
    const value = r.string(f);
    if (value === undefined) return undefined;
    if (value.trim() === '') {
      r.report(f, 'kubectl must be a Pod manifest, a path to one or a URL');
      return undefined;
    }
    if (podTemplateRef(value).kind !== 'inline') return { kubectl: value.trim() };
    text = value;
  }
  const checked = checkPodTemplate(text);
  if (!checked.ok) {
    r.report(f, checked.problem);
    return undefined;
  }
  return { kubectl: 'inline', podTemplate: text, ...(checked.image === undefined ? {} : { image: checked.image }) };
}
