/**
 * What a rename does to the references that name the renamed node:
 * `subscriptions` keys (`stage.action.job[OUTPUT]`) and `jobs.<ref>.…`
 * references in expressions, full paths or short names (`flow/paths.ts`).
 * Only the reference text changes; everything around it is left as written.
 */
import { visit, type Scalar } from 'yaml';
import { resolveJobRef } from '../../../flow/paths.ts';
import type { Outline } from './outline.ts';
import { JOB_REF } from './outline-graph.ts';
import type { TextEdit } from './text-edit.ts';

/** The renamed node: its kind, its path before (`stage`, `stage.action` or `stage.action.job`) and its new name. */
export interface Rename {
  readonly kind: 'stage' | 'action' | 'job';
  readonly path: string;
  readonly to: string;
}

const DEPTH = { stage: 0, action: 1, job: 2 } as const;

/** The reference as it should read after the rename, or undefined when it does not change. */
export function renamedRef(outline: Outline, ref: string, rename: Rename): string | undefined {
  const found = resolveJobRef(outline.jobs, ref);
  if (!found.ok) return undefined;
  const target = found.path.split('.');
  const renamed = rename.path.split('.');
  if (!renamed.every((part, i) => target[i] === part)) return undefined;
  const depth = DEPTH[rename.kind];
  if (ref.includes('.')) {
    const parts = ref.split('.');
    parts[depth] = rename.to;
    return parts.join('.');
  }
  // A short reference names the job, or (ContainerOps) an action of one job.
  if (rename.kind === 'job' && ref === renamed[2]) return rename.to;
  if (rename.kind === 'action' && ref === renamed[1] && target[2] !== ref) return rename.to;
  return undefined;
}

const LINK_KEY = /^(["']?)([^[\]\s"']+)\[([^[\]\s"']+)\]\1$/;

/** Edits rewriting every reference to the renamed node. */
export function referenceEdits(outline: Outline, rename: Rename): TextEdit[] {
  const edits: TextEdit[] = [];
  visit(outline.doc, {
    Scalar(key, node: Scalar) {
      const range = node.range;
      if (!range) return;
      const source = outline.text.slice(range[0], range[1]);
      const link = key === 'key' ? LINK_KEY.exec(source) : null;
      if (link) {
        const next = renamedRef(outline, link[2]!, rename);
        const at = range[0] + link[1]!.length;
        if (next !== undefined) edits.push({ from: at, to: at + link[2]!.length, insert: next });
        return;
      }
      for (const m of source.matchAll(JOB_REF)) {
        const next = renamedRef(outline, m[1]!, rename);
        const at = range[0] + m.index + 'jobs.'.length;
        if (next !== undefined) edits.push({ from: at, to: at + m[1]!.length, insert: next });
      }
    },
  });
  return edits;
}
