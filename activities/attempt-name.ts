/**
 * The deterministic name of one job attempt's container or Pod: a retried
 * activity finds what its predecessor started by this name.
 */
import { createHash } from 'node:crypto';

/** Longest name that is both a Docker container name and a Kubernetes Pod name (DNS-1123 label). */
export const MAX_ATTEMPT_NAME = 63;

/**
 * `co-<slug of run and job>-a<attempt>-<hash>`: lowercase `[a-z0-9-]`, at most
 * 63 characters. The slug is for humans; the hash of the raw parts keeps
 * attempts whose slugs sanitise alike apart.
 */
export function attemptName(parts: { runId: string; jobPath: string; attempt: number }): string {
  const hash = createHash('sha256').update(JSON.stringify([parts.runId, parts.jobPath, parts.attempt])).digest('hex').slice(0, 10);
  const tail = `-a${parts.attempt}-${hash}`;
  const room = MAX_ATTEMPT_NAME - 'co-'.length - tail.length;
  const slug = `${parts.runId}-${parts.jobPath}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, Math.max(room, 0)).replace(/^-+|-+$/g, '');
  return `co-${slug || 'x'}${tail}`;
}
