/**
 * The parse-time check of an inline deploy manifest: YAML documents, each a
 * Kubernetes object with apiVersion, kind and metadata.name. `${{ }}` parts
 * are known only when the job runs; each is read as a plain word here, and
 * when that leaves no valid YAML (an expression that writes structure) the
 * check waits for the rendering. Pure.
 */
import { isMap, isScalar, parseAllDocuments } from 'yaml';

/** Why the manifest cannot be applied, or undefined when it looks right (or cannot be known before rendering). */
export function checkInlineManifest(text: string): string | undefined {
  const templated = text.includes('${{');
  const sample = text.replace(/\$\{\{[\s\S]*?\}\}/g, (expr) => 'x'.repeat(Math.max(1, expr.replace(/\s/g, '').length)));
  const docs = parseAllDocuments(sample);
  if (!Array.isArray(docs)) return templated ? undefined : 'the manifest is empty: write at least one Kubernetes object';
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad !== undefined) return templated ? undefined : `the manifest is not valid YAML: ${bad.errors[0]?.message ?? ''}`;
  const objects = docs.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
  if (objects.length === 0) return 'the manifest is empty: write at least one Kubernetes object';
  for (const [i, doc] of objects.entries()) {
    const which = objects.length === 1 ? 'the manifest' : `manifest document ${i + 1}`;
    if (!isMap(doc.contents)) return `${which} is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)`;
    const missing = [['apiVersion'], ['kind'], ['metadata', 'name']].filter((path) => {
      const value: unknown = doc.getIn(path);
      return typeof value !== 'string' || value === '';
    });
    if (missing.length > 0) return `${which} lacks ${missing.map((p) => p.join('.')).join(', ')}`;
  }
  return undefined;
}
