/**
 * A position-aware reader over a parsed YAML document. Every read either
 * returns a typed value or records an issue with the field path and the
 * line:column of the offending node, then lets the caller carry on, so one
 * pass reports every problem in the file.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, YAMLMap } from 'yaml';
import type { FlowIssue } from './errors.ts';
import { closestName } from './suggest.ts';

/** A located value: its field path, its YAML node (null when empty) and where to point at it. */
export interface Field {
  readonly path: string;
  readonly node: Node | null;
  /** Source offset to report at: the value, or its key when the value is empty. */
  readonly offset: number;
}

/** One key of a mapping with its value. */
export interface Entry {
  readonly key: string;
  readonly keyOffset: number;
  readonly field: Field;
}

/** Joins a field path: `a.b`, `a[2]`, or `a["odd key"]` when the key is not a plain name. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export class YamlReader {
  readonly issues: FlowIssue[] = [];
  /** What the flow may keep but the user should see (ContainerOps leniencies), located like issues. */
  readonly warnings: FlowIssue[] = [];
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  /** The document's top-level value. */
  root(): Field {
    return this.#field('', this.#doc.contents, 0);
  }

  /** Records an issue at a source offset. */
  reportAt(offset: number, path: string, message: string): void {
    const { line, col } = this.#lines.linePos(offset);
    this.issues.push({ path, line, column: col, message });
  }

  /** The 1-based line of a source offset. */
  lineOf(offset: number): number {
    return this.#lines.linePos(offset).line;
  }

  /** Records an issue about a field. */
  report(field: Field, message: string): void {
    this.reportAt(field.offset, field.path, message);
  }

  /** Records a warning about a field: accepted, but worth a look. */
  warn(field: Field, message: string): void {
    const { line, col } = this.#lines.linePos(field.offset);
    this.warnings.push({ path: field.path, line, column: col, message });
  }

  /** Reads a mapping, rejecting keys outside `allowed` (with a "did you mean" hint). */
  map(field: Field, allowed?: readonly string[]): MapFields | undefined {
    if (!isMap(field.node)) {
      this.report(field, `must be a mapping, got ${describe(field.node)}`);
      return undefined;
    }
    const entries = this.#entries(field, field.node, new Set());
    if (allowed !== undefined) {
      for (const entry of entries) {
        if (allowed.includes(entry.key)) continue;
        const hint = closestName(entry.key, allowed);
        this.reportAt(entry.keyOffset, childPath(field.path, entry.key), `unknown field "${entry.key}"${hint === undefined ? '' : `; did you mean "${hint}"?`}`);
      }
    }
    return new MapFields(field, entries);
  }

  /** Reads a sequence; empty items (`-` alone) come back as fields with a null node. */
  seq(field: Field): Field[] | undefined {
    if (!isSeq(field.node)) {
      this.report(field, `must be a list, got ${describe(field.node)}`);
      return undefined;
    }
    return field.node.items.map((item, i) => this.#field(childPath(field.path, i), item as Node | null, field.offset));
  }

  /** A scalar value of any type, or undefined (reported) when the node is a list or mapping. */
  scalar(field: Field): string | number | boolean | null | undefined {
    if (field.node === null) return null;
    if (!isScalar(field.node)) {
      this.report(field, `must be a single value, got ${describe(field.node)}`);
      return undefined;
    }
    const value: unknown = field.node.value;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    this.report(field, `unsupported value of type ${typeof value}`);
    return undefined;
  }

  /** A string; numbers and booleans are rejected (quote them if you mean text). */
  string(field: Field): string | undefined {
    const value = this.scalar(field);
    if (typeof value === 'string') return value;
    if (value !== undefined) this.report(field, `must be a string, got ${describe(field.node)}`);
    return undefined;
  }

  /** Any scalar as text (`4` → "4", `true` → "true", empty → ""), as ContainerOps' map[string]string reads it. */
  text(field: Field): string | undefined {
    const value = this.scalar(field);
    if (value === undefined) return undefined;
    return value === null ? '' : String(value);
  }

  boolean(field: Field): boolean | undefined {
    const value = this.scalar(field);
    if (typeof value === 'boolean') return value;
    if (value !== undefined) this.report(field, `must be true or false, got ${describe(field.node)}`);
    return undefined;
  }

  /** An integer ≥ min; numeric strings are accepted. */
  integer(field: Field, min = 0): number | undefined {
    const value = this.scalar(field);
    const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= min) return n;
    if (value !== undefined) this.report(field, `must be a whole number ≥ ${min}, got ${describe(field.node)}`);
    return undefined;
  }

  /** A list of scalars as strings; a single scalar is read as a one-item list. */
  stringList(field: Field): string[] | undefined {
    if (field.node === null) return [];
    if (isScalar(field.node)) {
      const one = this.text(field);
      return one === undefined ? undefined : [one];
    }
    const items = this.seq(field);
    if (items === undefined) return undefined;
    const out: string[] = [];
    for (const item of items) {
      const text = this.text(item);
      if (text !== undefined) out.push(text);
    }
    return out;
  }

  /** One of a fixed set of words. */
  oneOf<T extends string>(field: Field, choices: readonly T[]): T | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    if ((choices as readonly string[]).includes(value)) return value as T;
    const hint = closestName(value, choices);
    this.report(field, `must be one of ${choices.join(', ')}, got "${value}"${hint === undefined ? '' : `; did you mean "${hint}"?`}`);
    return undefined;
  }

  #field(path: string, node: Node | null, fallbackOffset: number): Field {
    const resolved = isAlias(node) ? (node.resolve(this.#doc) ?? null) : node;
    const isEmpty = resolved === null || (isScalar(resolved) && resolved.value === null);
    return { path, node: isEmpty ? null : resolved, offset: node?.range?.[0] ?? fallbackOffset };
  }

  #entries(parent: Field, map: YAMLMap, seen: Set<YAMLMap>): Entry[] {
    seen.add(map);
    const out: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const keyOffset = keyNode?.range?.[0] ?? parent.offset;
      const raw: unknown = isScalar(keyNode) ? keyNode.value : undefined;
      // With `merge: true` the parser reads a `<<` key as a symbol.
      const key = typeof raw === 'symbol' && raw.description === '<<' ? '<<' : raw;
      if (typeof key !== 'string' && typeof key !== 'number') {
        this.reportAt(keyOffset, parent.path, 'mapping keys must be plain strings');
        continue;
      }
      const name = String(key);
      const value = pair.value as Node | null;
      // YAML merge keys (`<<: *defaults`): explicit keys win over merged ones.
      if (name === '<<') {
        const sources = isSeq(value) ? value.items : [value];
        for (const item of sources) {
          const source = isAlias(item) ? item.resolve(this.#doc) : item;
          if (isMap(source)) {
            if (!seen.has(source)) merged.push(...this.#entries(parent, source, seen));
          } else this.reportAt(keyOffset, parent.path, 'a merge key (<<) must refer to a mapping');
        }
        continue;
      }
      const field = this.#field(childPath(parent.path, name), value, keyOffset);
      out.push({ key: name, keyOffset, field: field.node === null ? { ...field, offset: keyOffset } : field });
    }
    const own = new Set(out.map((e) => e.key));
    return [...out, ...merged.filter((e) => !own.has(e.key))];
  }
}

/** The keys of one mapping, with lookups by name. Empty values (`key:`) read as absent. */
export class MapFields {
  readonly self: Field;
  readonly entries: readonly Entry[];

  constructor(self: Field, entries: readonly Entry[]) {
    this.self = self;
    this.entries = entries;
  }

  /** The field, or undefined when absent or empty (Go's zero value, as ContainerOps read it). */
  get(key: string): Field | undefined {
    const entry = this.entries.find((e) => e.key === key);
    return entry === undefined || entry.field.node === null ? undefined : entry.field;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A stand-in field for reporting about a missing key: points at the mapping itself. */
  missing(key: string): Field {
    return { path: childPath(this.self.path, key), node: null, offset: this.self.offset };
  }
}

/** Names a node's kind for messages. */
export function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v: unknown = node.value;
    if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
    return String(v);
  }
  return 'an unsupported node';
}
