/** How the CLI reads a job's `kubectl:` Pod template: a path relative to the flow file, or a URL it fetches. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FlowValidationError } from '../flow/errors.ts';
import { fetchPodTemplate } from '../api/fetch-template.ts';
import { inlinePodTemplates } from '../flow/template-refs.ts';

/**
 * The flow file's text with every `kubectl:` path (relative to the file) or
 * URL replaced by the manifest's content (flow/template-refs.ts).
 *
 * @throws FlowValidationError naming the file, each unreadable path or URL at its line:column.
 */
export async function selfContainedFlow(file: string, source: string): Promise<string> {
  try {
    return await inlinePodTemplates(source, async (ref) => {
      if (ref.kind === 'url') return fetchPodTemplate(ref.url);
      const full = resolve(dirname(file), ref.path);
      try {
        return await readFile(full, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(code === 'ENOENT' ? `no such file ${full}` : `cannot read ${full}: ${(err as Error).message}`, { cause: err });
      }
    });
  } catch (err) {
    if (err instanceof FlowValidationError) throw new FlowValidationError(err.issues, file);
    throw err;
  }
}
