/**
 * Names that must be unique in their parent (actions in a stage, jobs in an
 * action). ContainerOps accepted two actions or jobs with one name, so coflow
 * does too, with a warning: every occurrence of a repeated name is numbered
 * (`compile` twice → `compile-1`, `compile-2`), skipping names already used in
 * the parent. The name as written then means no single job, so a reference
 * to it is ambiguous (see `flow/paths.ts`) while each numbered path is valid
 * everywhere a name is: data links, expressions, container and Pod names, logs.
 * Unnamed jobs take their image or component name (or the parent's), with
 * `-2`, `-3`… on repeats.
 */
import type { Field, YamlReader } from './yaml-reader.ts';

/** One child as read: its explicit name (if any) and where it was written. */
export interface NamedChild {
  readonly name: string | undefined;
  readonly nameField: Field | undefined;
  /** Base of a derived name when the child has none. */
  readonly nameBase?: string | undefined;
}

/** What the warnings call the children and their parent, e.g. `{ child: 'action', parent: 'stage "build"' }`. */
export interface NamingContext {
  readonly child: 'action' | 'job';
  readonly parent: string;
  /** Base for unnamed children without a `nameBase`. */
  readonly fallbackBase: string;
}

/** A distinct name for every child, in order; repeats are warned about at their name. */
export function distinctNames(r: YamlReader, children: readonly NamedChild[], ctx: NamingContext): string[] {
  const counts = new Map<string, number>();
  for (const c of children) if (c.name !== undefined) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  const taken = new Set(counts.keys());
  const claim = (first: string, base: string): string => {
    let name = first;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return name;
  };
  const names: (string | undefined)[] = children.map((c) => {
    if (c.name === undefined || counts.get(c.name) === 1) return c.name;
    const name = claim(`${c.name}-1`, c.name);
    const field = c.nameField;
    if (field !== undefined) {
      r.warn(field, `${ctx.child} name "${c.name}" is used ${counts.get(c.name)} times in ${ctx.parent} (ContainerOps allowed it); this ${ctx.child} is named "${name}"`);
    }
    return name;
  });
  return children.map((c, i) => {
    const base = c.nameBase ?? ctx.fallbackBase;
    return names[i] ?? claim(base, base);
  });
}
