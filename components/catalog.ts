/**
 * The component catalog: `component.yaml` entries under a directory, and the
 * resolution of `namespace/name@version` references when a flow is checked and
 * when a run starts (the image pinned for that run, the entry's defaults applied).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ComponentRef, FlowSpec } from '../flow/model.ts';
import { readComponentDefinition, type ComponentEntry } from './definition.ts';
import { ComponentDefinitionError, ComponentNotFoundError, ComponentUseError, type ComponentUseProblem } from './errors.ts';
import { useComponent } from './use.ts';

export type { ComponentEntry, ComponentInput, ComponentOutput } from './definition.ts';

function versionParts(v: string): number[] {
  return v.split(/[.+-]/).slice(0, 3).map((p) => Number(p));
}

/** `1` matches 1.x.y, `1.2` matches 1.2.y, `1.2.3` matches exactly. */
function versionMatches(constraint: string, version: string): boolean {
  const want = versionParts(constraint);
  const have = versionParts(version);
  return want.every((n, i) => n === have[i]);
}

/** Orders versions oldest first. */
export function compareVersions(a: string, b: string): number {
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
  /** The newest version that matches the reference's constraint. */
  resolve(ref: ComponentRef): ComponentEntry | undefined;
}

/**
 * Reads every `<dir>/*\/component.yaml` (a folder without one, like the images'
 * shared base, is no component).
 *
 * @throws ComponentDefinitionError naming the file and every problem of an entry
 */
export function loadCatalog(dir: string): Catalog {
  const entries: ComponentEntry[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name, 'component.yaml');
      if (!existsSync(file)) continue;
      let entry: ComponentEntry;
      try {
        entry = readComponentDefinition(parse(readFileSync(file, 'utf8')));
      } catch (err) {
        throw new ComponentDefinitionError(file, (err as Error).message);
      }
      const twin = entries.find((e) => e.namespace === entry.namespace && e.name === entry.name && e.version === entry.version);
      if (twin) throw new ComponentDefinitionError(file, `${entry.namespace}/${entry.name}@${entry.version} is defined twice`);
      entries.push(entry);
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

/**
 * Pins every `component:` job of a flow to its catalog entry, for one run: the
 * image, and the entry's input defaults, timeout, retries and resources where the job gives none.
 *
 * @throws ComponentNotFoundError for a reference the catalog cannot resolve
 * @throws ComponentUseError listing every job that uses a component in a way it cannot take
 */
export function resolveComponents(flow: FlowSpec, catalog: Catalog): FlowSpec {
  const problems: ComponentUseProblem[] = [];
  const resolved: FlowSpec = {
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
          const used = useComponent(j, entry);
          for (const message of used.problems) problems.push({ job: j.path, message });
          return used.job;
        }),
      })),
    })),
  };
  if (problems.length > 0) throw new ComponentUseError(problems);
  return resolved;
}
