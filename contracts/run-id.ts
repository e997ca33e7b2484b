/**
 * A run's id is `<flow uri>#<number>` (number from 1 per flow); it is also
 * its Temporal workflow id, so starting the same run twice is a no-op.
 */

/** The run id (and workflow id) of run `number` of flow `uri`. */
export function runIdOf(uri: string, number: number): string {
  return `${uri}#${number}`;
}

/** The flow uri and number of a run id; undefined when `runId` is not one. */
export function parseRunId(runId: string): { readonly uri: string; readonly number: number } | undefined {
  const hash = runId.lastIndexOf('#');
  if (hash <= 0) return undefined;
  const number = Number(runId.slice(hash + 1));
  if (!Number.isInteger(number) || number < 1) return undefined;
  return { uri: runId.slice(0, hash), number };
}
