/**
 * What a component's catalog entry does to a job that uses it, when a flow is
 * validated or applied and when a run starts: the image is pinned, declared
 * input defaults, timeout, retries and resources fill in what the job left out,
 * and a job that gives the component what it cannot take is refused.
 */
import type { JobSpec } from '../flow/model.ts';
import { choiceList, closestName } from '../flow/suggest.ts';
import type { ComponentEntry } from './definition.ts';

/** `${{ secrets.NAME }}` and nothing else. */
const SECRET_REF = /^\s*\$\{\{\s*secrets\.[A-Za-z_][\w-]*\s*\}\}\s*$/;

/** The job with the entry's image and defaults, and what is wrong with the way it uses the component. */
export function useComponent(job: JobSpec, entry: ComponentEntry): { job: JobSpec; problems: string[] } {
  const problems = checkUse(job, entry);
  const omitted = new Set(job.omitted ?? []);
  const defaults: Record<string, string> = {};
  for (const input of entry.inputs) if (input.default !== undefined) defaults[input.name] = input.default;
  const resources = {
    ...job.resources,
    ...(omitted.has('cpu') && entry.resources.cpuMillis !== undefined ? { cpuMillis: entry.resources.cpuMillis } : {}),
    ...(omitted.has('memory') && entry.resources.memoryBytes !== undefined ? { memoryBytes: entry.resources.memoryBytes } : {}),
  };
  const used: JobSpec = {
    ...job,
    image: entry.image,
    inputs: { ...defaults, ...job.inputs },
    resources,
    ...(omitted.has('timeout') && entry.timeoutMs !== undefined ? { timeoutMs: entry.timeoutMs } : {}),
    ...(omitted.has('retries') && entry.retries !== undefined ? { retries: entry.retries } : {}),
  };
  return { job: used, problems };
}

function checkUse(job: JobSpec, entry: ComponentEntry): string[] {
  const ref = `${entry.namespace}/${entry.name}@${entry.version}`;
  const problems: string[] = [];
  // A job's own script or command replaces the component's program: it may read any input and print any output.
  const ownProgram = job.script !== undefined || job.command !== undefined || job.args !== undefined;
  const declared = entry.inputs.map((i) => i.name);
  if (!ownProgram) {
    for (const key of Object.keys(job.inputs)) {
      if (declared.includes(key)) continue;
      const hint = closestName(key, declared);
      problems.push(
        declared.length === 0
          ? `input "${key}": ${ref} takes no inputs`
          : `input "${key}" is not an input of ${ref}${hint ? ` (did you mean "${hint}"?)` : ''}; it takes ${choiceList(declared)}`,
      );
    }
    const outputs = entry.outputs.map((o) => o.name);
    for (const name of job.outputs) {
      if (!outputs.includes(name)) problems.push(`output "${name}" is not an output of ${ref}; it prints ${outputs.length > 0 ? outputs.join(', ') : 'none'}`);
    }
  }
  for (const input of entry.inputs) {
    const value = job.inputs[input.name];
    // A `pre` hook may still provide it; the component then says what is missing.
    if (input.required && value === undefined && job.pre === undefined) problems.push(`input "${input.name}" is required by ${ref}${input.description ? `: ${input.description}` : ''}`);
    if (input.secret && value !== undefined && !SECRET_REF.test(value)) {
      problems.push(`input "${input.name}" of ${ref} is secret: give it as \${{ secrets.NAME }} (a stored secret), not as text in the flow`);
    }
  }
  return problems;
}
