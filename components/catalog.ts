/**
 * The component catalog: `component.yaml` entries under a directory, and the
 * resolution of `namespace/name@version` references to images when a run starts.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ComponentRef, FlowSpec } from '../flow/model.ts';
import { ComponentDefinitionError, ComponentNotFoundError } from './errors.ts';

export interface ComponentEntry {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly image: string;
  readonly description?: string;
}

function versionParts(v: string): number[] {
  return v.split(/[.+-]/).slice(0, 3).map((p) => Number(p));
}

/** `1` matches 1.x.y, `1.2` matches 1.2.y, `1.2.3` matches exactly. */
function versionMatches(constraint: string, version: string): boolean {
  const want = versionParts(constraint);
  const have = versionParts(version);
  return want.every((n, i) => n === have[i]);
}

function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface Catalog {
  list(): readonly ComponentEntry[];
  resolve(ref: ComponentRef): ComponentEntry | undefined;
}

/** Reads every `<dir>/*\/component.yaml`. */
export function loadCatalog(dir: string): Catalog {
  const entries: ComponentEntry[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name, 'component.yaml');
      if (!existsSync(file)) continue;
      const doc = parse(readFileSync(file, 'utf8')) as Partial<ComponentEntry> | null;
      if (!doc?.name || !doc.namespace || !doc.version || !doc.image) {
        throw new ComponentDefinitionError(file, 'a component needs name, namespace, version and image');
      }
      entries.push({ namespace: doc.namespace, name: doc.name, version: String(doc.version), image: doc.image, ...(doc.description ? { description: doc.description } : {}) });
    }
  }
  return {
    list: () => entries,
    resolve(ref) {
      return entries
        .filter((e) => e.namespace === ref.namespace && e.name === ref.name && versionMatches(ref.version, e.version))
        .sort((a, b) => compareVersions(b.version, a.version))[0];
    },
  };
}

/** Pins every `component:` job of a flow to its catalog image, for one run. */
export function resolveComponents(flow: FlowSpec, catalog: Catalog): FlowSpec {
  return {
    ...flow,
    stages: flow.stages.map((s) => ({
      ...s,
      actions: s.actions.map((a) => ({
        ...a,
        jobs: a.jobs.map((j) => {
          if (j.component === undefined || j.image !== undefined) return j;
          const ref = `${j.component.namespace}/${j.component.name}@${j.component.version}`;
          const entry = catalog.resolve(j.component);
          if (!entry) throw new ComponentNotFoundError(ref, j.path);
          return { ...j, image: entry.image };
        }),
      })),
    })),
  };
}
