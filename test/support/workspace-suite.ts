/**
 * The workspace suite every runner must pass (SPEC §2): a file written in one
 * job is read in the next, kept across a retry, found by a re-run (a copy),
 * rebuilt by a re-run once the original's is gone, and nothing is left after
 * the retention. test/workspace.test.ts runs it on docker,
 * test/kubernetes/workspace.test.ts on kubernetes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPath } from '../../cli/api-client.ts';
import { renderRun } from '../../cli/render.ts';
import type { JobRunner } from '../../activities/runner.ts';
import { allLogs, job, startHarness, waitForRun, type Harness } from './harness.ts';

export interface WorkspaceTarget {
  readonly name: string;
  /** The runner under test; the docker runner when unset. */
  readonly runner?: () => JobRunner;
  /** The workspace volumes (Docker volumes, PVCs) of a run still present. */
  volumes(runId: string): Promise<string[]>;
  /** Removes a volume a failed test left behind. */
  removeVolume(volume: string): Promise<void>;
}

/** Short, so that the suite sees a workspace go; long enough for a re-run to copy it first. */
const RETENTION_MS = 10_000;

const flow = (uri: string): string => `
uri: ${uri}
stages:
  - { type: start, name: start }
  - name: build
    sequencing: parallel
    actions:
      - name: write
        jobs:
          - name: write
            endpoint: coflow/shell:1.0.0
            workspace: true
            retries: { max: 1, backoff: 1s }
            outputs: [SEEN]
            script: |
              if [ "$CO_ATTEMPT" = 1 ]; then echo "built by $CO_RUN_ID" > "$CO_WORKSPACE/artifact"; sleep 2; exit 1; fi
              echo "[COUT] SEEN = $(cat /workspace/artifact)"
      - name: note
        jobs:
          - name: note
            endpoint: coflow/shell:1.0.0
            workspace: true
            script: sleep 2; echo "noted by $CO_RUN_ID" > /workspace/note
      - name: bystander
        jobs:
          - name: bystander
            endpoint: coflow/shell:1.0.0
            script: if grep -q ' /workspace ' /proc/mounts || [ -n "$CO_WORKSPACE" ]; then echo "bystander sees a workspace"; exit 1; fi
  - name: test
    actions:
      - name: read
        jobs:
          - name: read
            endpoint: coflow/shell:1.0.0
            workspace: true
            script: |
              echo "read: $(cat /workspace/artifact) / $(cat /workspace/note)"
              case "$CO_RUN_ID" in *#1) echo "the first run fails after reading"; exit 1;; esac
  - { type: end, name: end }
`;

async function waitGone(target: WorkspaceTarget, runId: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while ((await target.volumes(runId)).length > 0) {
    if (Date.now() - started > timeoutMs) throw new Error(`the workspace of ${runId} is still there after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return Date.now() - started;
}

/** Defines the workspace tests against one runner. */
export function workspaceSuite(target: WorkspaceTarget): void {
  let h: Harness;
  const uri = `test/workspace/${target.name}-${Date.now()}`;
  const rerun = async (runId: string): Promise<string> => (await h.api.request<{ runId: string }>('POST', `${runPath(runId)}/rerun`)).runId;
  const readLine = async (runId: string): Promise<string | undefined> => (await allLogs(h.api, runId, 'test.read.read')).map((l) => l.text).find((t) => t.startsWith('read: '));

  beforeAll(async () => {
    h = await startHarness({ ...(target.runner ? { runner: target.runner() } : {}), workspaceRetentionMs: RETENTION_MS });
    await h.api.applyFlow(flow(uri));
  });
  afterAll(async () => {
    await h?.stop();
    // The retention workflows of a failed test's runs have no worker any more: leave no volume behind.
    for (let n = 1; n <= 3; n++) for (const volume of await target.volumes(`${uri}#${n}`)) await target.removeVolume(volume);
  });

  describe(`workspaces on the ${target.name} runner`, () => {
    const first = `${uri}#1`;

    it('hands a file from one job to the next, keeps it across a retry, and mounts it only where asked', async () => {
      await h.api.startRun(uri);
      const run = await waitForRun(h.api, first);
      const write = job(run, 'build.write.write');
      expect(write.attempts.map((a) => a.state)).toEqual(['failed', 'succeeded']);
      // Attempt 2 read what attempt 1 wrote before failing.
      expect(write.outputs).toEqual({ SEEN: `built by ${first}` });
      expect(job(run, 'build.bystander.bystander').state).toBe('succeeded');
      expect(await readLine(first)).toBe(`read: built by ${first} / noted by ${first}`);
      expect(job(run, 'test.read.read').state).toBe('failed');
      expect(await target.volumes(first)).toHaveLength(1);
    });

    it('starts a re-run with a copy of the original workspace', async () => {
      const second = await rerun(first);
      const run = await waitForRun(h.api, second);
      expect(run.state).toBe('succeeded');
      expect(job(run, 'build.write.write').reusedFrom).toBe(first);
      expect(run.workspace).toEqual({ copiedFrom: first });
      expect(await readLine(second)).toBe(`read: built by ${first} / noted by ${first}`);
    });

    it('removes the workspace when the retention ends, and a re-run then runs its writers again and says so', async () => {
      const waited = await waitGone(target, first, RETENTION_MS + 60_000);
      console.log(`${target.name}: the first run's workspace went ${waited} ms after the re-run`);
      const third = await rerun(first);
      const run = await waitForRun(h.api, third);
      expect(run.state).toBe('succeeded');
      expect(job(run, 'build.write.write').reusedFrom).toBeUndefined();
      expect(job(run, 'build.write.write').attempts).toHaveLength(2);
      expect(run.workspace?.rebuiltBy).toEqual(['build.write.write', 'build.note.note']);
      expect(renderRun(run).join('\n')).toContain(`workspace: the workspace of ${first} is gone`);
      expect(await readLine(third)).toBe(`read: built by ${third} / noted by ${third}`);
      // Nothing left once every run's retention has ended.
      for (const runId of [`${uri}#2`, third]) await waitGone(target, runId, RETENTION_MS + 60_000);
    });
  });
}
