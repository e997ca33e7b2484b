/**
 * Makes a flow self-contained before it is stored: every job's `kubectl:`
 * that is a path or a URL is replaced, in the flow's text, by the manifest it
 * refers to, so a run never depends on a file outside coflow. The reading is
 * the caller's (no I/O here): `coflow apply` reads paths relative to the flow
 * file and fetches URLs; the API fetches URLs and refuses paths (it cannot see
 * the caller's files); both fetch with api/fetch-template.ts.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Scalar } from 'yaml';
import { FlowValidationError, type FlowIssue } from './errors.ts';
import { podTemplateRef, type PodTemplateRef } from './pod-template.ts';
import { childPath } from './yaml-reader.ts';

/** Reads what a path or URL refers to; throws an Error whose message says why it cannot. */
export type TemplateLoader = (ref: Exclude<PodTemplateRef, { kind: 'inline' }>) => Promise<string>;

interface RefSite {
  readonly node: Scalar;
  readonly ref: Exclude<PodTemplateRef, { kind: 'inline' }>;
  readonly path: string;
  readonly job: string | undefined;
}

/**
 * The flow's text with every `kubectl:` path or URL replaced by the manifest's
 * content as a JSON string (valid YAML in block and flow style, on the same
 * line: every other line keeps its number, so errors still point into the
 * file as written). Text that is not valid YAML is returned as it is, for the
 * parser to report.
 *
 * @throws FlowValidationError naming each job's path or URL that could not be read, at its line:column.
 */
export async function inlinePodTemplates(source: string, load: TemplateLoader): Promise<string> {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) return source;
  const sites = refSites(doc.contents);
  const issues: FlowIssue[] = [];
  const contents = await Promise.all(
    sites.map(async (site) => {
      try {
        return await load(site.ref);
      } catch (err) {
        const { line, col } = lines.linePos(site.node.range?.[0] ?? 0);
        const where = site.job === undefined ? '' : `job ${site.job}: `;
        const value = site.ref.kind === 'url' ? site.ref.url : site.ref.path;
        issues.push({ path: site.path, line, column: col, message: `${where}kubectl ${JSON.stringify(value)}: ${(err as Error).message}` });
        return undefined;
      }
    }),
  );
  if (issues.length > 0) throw new FlowValidationError(issues);
  let out = source;
  // From the last to the first, so earlier offsets stay valid.
  for (let i = sites.length - 1; i >= 0; i--) {
    const [start, end] = sites[i]!.node.range ?? [0, 0];
    out = `${out.slice(0, start)}${JSON.stringify(contents[i])}${out.slice(end)}`;
  }
  return out;
}

/** Every `stages[].actions[].jobs[].kubectl` that is a path or a URL. */
function refSites(root: Node | null): RefSite[] {
  const sites: RefSite[] = [];
  const seqOf = (map: unknown, key: string): Node[] => {
    const v = isMap(map) ? map.get(key, true) : undefined;
    return isSeq(v) ? (v.items as Node[]) : [];
  };
  for (const [si, stage] of seqOf(root, 'stages').entries()) {
    for (const [ai, action] of seqOf(stage, 'actions').entries()) {
      for (const [ji, job] of seqOf(action, 'jobs').entries()) {
        if (!isMap(job)) continue;
        const node = job.get('kubectl', true);
        if (!isScalar(node) || typeof node.value !== 'string') continue;
        const ref = podTemplateRef(node.value);
        if (ref.kind === 'inline') continue;
        const name = job.get('name');
        const path = childPath(childPath(childPath(childPath(childPath(childPath('stages', si), 'actions'), ai), 'jobs'), ji), 'kubectl');
        sites.push({ node, ref, path, job: typeof name === 'string' ? name : undefined });
      }
    }
  }
  return sites;
}
