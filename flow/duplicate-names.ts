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

/**
 * A distinct name for every name in a parent, in order: a repeated name becomes
 * `name-1`, `name-2`, … and an absent one `base(i)` (numbered when taken). Pure:
 * the parser and the web UI's editor name nodes with it, so their paths agree.
 * `renamed[i]` is true where a repeated name was numbered.
 */
export function numberNames(names: readonly (string | undefined)[], base: (index: number) => string): { names: string[]; renamed: boolean[] } {
  const counts = new Map<string, number>();
  for (const n of names) if (n !== undefined) counts.set(n, (counts.get(n) ?? 0) + 1);
  const taken = new Set(counts.keys());
  const claim = (first: string, b: string): string => {
    let name = first;
    for (let n = 2; taken.has(name); n++) name = `${b}-${n}`;
    taken.add(name);
    return name;
  };
  const renamed = names.map((n) => n !== undefined && counts.get(n)! > 1);
  const named = names.map((n, i) => (renamed[i] ? claim(`${n!}-1`, n!) : n));
  return { names: names.map((_, i) => named[i] ?? claim(base(i), base(i))), renamed };
}

/** A distinct name for every child, in order; repeats are warned about at their name. */
export function distinctNames(r: YamlReader, children: readonly NamedChild[], ctx: NamingContext): string[] {
  const { names, renamed } = numberNames(children.map((c) => c.name), (i) => children[i]!.nameBase ?? ctx.fallbackBase);
  const counts = new Map<string, number>();
  for (const c of children) if (c.name !== undefined) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  children.forEach((c, i) => {
    if (renamed[i] && c.nameField !== undefined) {
      r.warn(c.nameField, `${ctx.child} name "${c.name!}" is used ${counts.get(c.name!)} times in ${ctx.parent} (ContainerOps allowed it); this ${ctx.child} is named "${names[i]!}"`);
    }
  });
  return names;
}
