/**
 * Trigger filters: events, branches, tags and paths as globs, the way GitHub
 * Actions reads them. `*` matches within a path segment, `**` across
 * segments (also none before a slash), `?` one character; a pattern starting with `!` excludes.
 */
import type { HookTrigger } from '../../flow/model.ts';
import type { TriggerContext } from '../../contracts/triggers.ts';

export { globToRegExp, matchesGlobs } from '../../flow/globs.ts';
import { matchesGlobs } from '../../flow/globs.ts';

/** A filter's event name in the normalised vocabulary (`Merge Request Hook`, `merge_request` → `pull_request`). */
function normaliseEventName(name: string): string {
  const n = name.trim().toLowerCase().replace(/ hook$/, '').replace(/[\s-]+/g, '_');
  if (n === 'merge_request' || n === 'pull_requests') return 'pull_request';
  if (n === 'tag_push' || n === 'tags') return 'tag';
  return n;
}

/** Why the trigger does not start a run for this event, or undefined when it does. */
export function filterOut(trigger: HookTrigger, event: TriggerContext): string | undefined {
  const events = trigger.events.map(normaliseEventName);
  // A tag push is a push too (as in GitHub Actions): `events: [push]` with `tags:` runs on tags.
  const listed = events.includes(event.event) || (event.event === 'tag' && events.includes('push'));
  if (trigger.events.length > 0 && !listed) {
    return `event "${event.event}" is not in the trigger's events (${trigger.events.join(', ')})`;
  }
  // Branch events (push to a branch, pull request into one) follow `branches`; tag events follow `tags`.
  // Giving only one of the two lists limits the trigger to that kind of ref, as in GitHub Actions.
  if (event.tag !== undefined) {
    if (trigger.tags.length > 0) {
      if (!matchesGlobs(event.tag, trigger.tags)) return `tag "${event.tag}" does not match the trigger's tags (${trigger.tags.join(', ')})`;
    } else if (trigger.branches.length > 0) return `tag "${event.tag}": the trigger lists branches only`;
  } else {
    const branch = event.pullRequest?.targetBranch ?? event.branch;
    if (branch !== undefined) {
      if (trigger.branches.length > 0) {
        if (!matchesGlobs(branch, trigger.branches)) return `branch "${branch}" does not match the trigger's branches (${trigger.branches.join(', ')})`;
      } else if (trigger.tags.length > 0) return `branch "${branch}": the trigger lists tags only`;
    }
  }
  // Paths filter only events that list their files (pushes); others pass.
  if (trigger.paths.length > 0 && event.changedFiles !== undefined) {
    if (!event.changedFiles.some((f) => matchesGlobs(f, trigger.paths))) return `no changed file matches the trigger's paths (${trigger.paths.join(', ')})`;
  }
  return undefined;
}
