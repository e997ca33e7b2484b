/**
 * Forge hygiene (docs/forges.md): what a CI that forges call is expected to
 * do beyond filters. A `[skip ci]` or `[ci skip]` in a push's head commit
 * message or a pull request's title starts no run; a pull request from a
 * fork runs without secrets. A trigger opts out of either (`skipCi: false`,
 * `forkSecrets: true`).
 */
import type { HookTrigger } from '../../flow/model.ts';
import type { TriggerContext } from '../../contracts/triggers.ts';

const SKIP_MARKER = /\[(skip ci|ci skip)\]/i;

/**
 * The skip marker the event carries, or undefined. Only branch pushes (the
 * head commit's message) and pull requests (their title) are skipped: a tag
 * or a release is a deliberate act, and the message of the commit it points
 * at was written for that commit, not for the release.
 */
export function skipMarker(event: TriggerContext): string | undefined {
  const text = event.event === 'push' ? event.message : event.event === 'pull_request' ? event.pullRequest?.title : undefined;
  return text === undefined ? undefined : SKIP_MARKER.exec(text)?.[0];
}

/**
 * Why the delivery starts no run although `started` (the triggers whose
 * filters let it through) would: every one of them honours the marker
 * (`skipCi` absent or true). Undefined: it runs.
 */
export function skippedBecause(started: readonly HookTrigger[], event: TriggerContext): string | undefined {
  const marker = skipMarker(event);
  if (marker === undefined || started.some((t) => t.skipCi === false)) return undefined;
  const where = event.event === 'push' ? 'the head commit\'s message' : 'the pull request\'s title';
  return `${where} says ${marker}; set skipCi: false on the trigger to run anyway`;
}

/**
 * The reason the run's jobs may not read secrets (RunInput.secretsWithheld),
 * or undefined: a pull request from a fork, unless one of the triggers that
 * start the run trusts forks (`forkSecrets: true`).
 */
export function secretsWithheldFor(started: readonly HookTrigger[], event: TriggerContext): string | undefined {
  const pr = event.pullRequest;
  if (pr?.fromFork !== true || started.some((t) => t.forkSecrets === true)) return undefined;
  return `secrets are not given to runs of pull requests from forks (${pr.sourceRepo ?? 'a deleted or unknown repository'}); set forkSecrets: true on the trigger to allow it`;
}
