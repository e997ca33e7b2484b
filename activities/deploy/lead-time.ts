/**
 * Lead time's shipped commits (contracts/deploy.ts `LeadTimeActivities`):
 * which commits a successful deployment shipped, with their committer times.
 * First the run's workspace (a clone there answers `git log previous..commit`
 * with `%cI`, the committer time), then the trigger's pushed commits, else
 * none. docs/dora.md says why and what each source can miss.
 */
import type { ShippedCommit } from '../../contracts/deployments.ts';
import type { LeadTimeActivities, ShippedCommitsInput } from '../../contracts/deploy.ts';
import type { WorkspaceExec } from './workspace-exec.ts';

export interface LeadTimeOptions {
  /** Reads the run's workspace; absent: only the trigger's commits are used. */
  readonly workspace?: WorkspaceExec;
  /** An image with git and sh (the `coflow/git-clone` component's). */
  readonly gitImage: string;
  readonly timeoutMs?: number;
}

/** The most commits one deployment is credited with (a first deployment of a long history would swamp the median). */
export const MAX_SHIPPED_COMMITS = 1000;
const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * Finds the clone (the workspace itself or a folder one or two levels down)
 * that has the deployed commit, and logs previous..commit there (only the
 * commit itself without a previous one). Exit 3: no clone has the commits.
 */
const GIT_LOG = `
commit=$1; previous=$2; max=$3
for d in /workspace /workspace/* /workspace/*/*; do
  [ -e "$d/.git" ] || continue
  g() { git -c safe.directory='*' -C "$d" "$@"; }
  g cat-file -e "$commit^{commit}" 2>/dev/null || continue
  if [ -n "$previous" ]; then
    g cat-file -e "$previous^{commit}" 2>/dev/null || continue
    exec git -c safe.directory='*' -C "$d" log --max-count="$max" --format='%H %cI' "$previous..$commit"
  fi
  exec git -c safe.directory='*' -C "$d" log -1 --format='%H %cI' "$commit"
done
exit 3`;

function parseLog(stdout: string): ShippedCommit[] {
  return stdout.split('\n').flatMap((line) => {
    const [sha, time] = line.trim().split(' ');
    const t = Date.parse(time ?? '');
    return sha && SHA.test(sha) && Number.isFinite(t) ? [{ sha, committedAt: new Date(t).toISOString() }] : [];
  }).reverse(); // git log: newest first
}

/** The trigger's pushed commits after `previous` up to the deployed one (all of them when it names no commit). */
export function fromTrigger(input: ShippedCommitsInput): ShippedCommit[] {
  const pushed = input.trigger?.commits ?? [];
  const end = input.commit === undefined ? pushed.length - 1 : pushed.findIndex((c) => c.sha === input.commit);
  if (end < 0) return [];
  const start = input.previousCommit === undefined ? 0 : pushed.findIndex((c) => c.sha === input.previousCommit) + 1;
  return pushed.slice(start, end + 1).slice(-MAX_SHIPPED_COMMITS).map((c) => ({ sha: c.sha, committedAt: c.committedAt }));
}

export function createLeadTimeActivities(options: LeadTimeOptions): LeadTimeActivities {
  const { workspace, gitImage, timeoutMs = 60_000 } = options;
  async function fromWorkspace(input: ShippedCommitsInput): Promise<ShippedCommit[] | undefined> {
    const { commit, previousCommit } = input;
    if (!workspace || !input.workspace || commit === undefined || !SHA.test(commit)) return undefined;
    if (previousCommit !== undefined && !SHA.test(previousCommit)) return undefined;
    try {
      const r = await workspace.exec(input.runId, input.flowUri, ['sh', '-c', GIT_LOG, 'git-log', commit, previousCommit ?? '', String(MAX_SHIPPED_COMMITS)], { image: gitImage, timeoutMs });
      return r.exitCode === 0 ? parseLog(r.stdout) : undefined;
    } catch {
      return undefined; // the workspace is gone: fall back on the trigger
    }
  }
  return {
    async shippedCommits(input) {
      return (await fromWorkspace(input)) ?? fromTrigger(input);
    },
  };
}
