import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../flow/index.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import type { LogStore } from '../store/store.ts';
import { WorkerDetachedError } from './errors.ts';
import { createJobActivities } from './run-job.ts';
import type { JobRunner } from './runner.ts';

const flow = parseFlow('uri: team/app/build\nstages:\n  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: busybox:1.36, script: "yes" } ] } ] }\n');
const job = flow.stages[0]!.actions[0]!.jobs[0]!;

/** A runner whose container prints lines until the job detaches from it, as the Docker and Kubernetes runners do. */
function endlessRunner(): JobRunner & { left: () => boolean; delivered: () => number } {
  let left = false;
  let delivered = 0;
  return {
    kind: 'fake',
    async run(spec, hooks) {
      while (hooks.detach?.aborted !== true) {
        await Promise.race([hooks.onLine({ ts: Date.now(), stream: 'stdout', text: `line ${++delivered}` }), new Promise((resolve) => hooks.detach?.addEventListener('abort', resolve))]);
      }
      // Detached: the container is left running for the retried activity.
      left = true;
      throw new WorkerDetachedError(spec.name);
    },
    left: () => left,
    delivered: () => delivered,
  };
}

describe('the job activity when the store stays down', () => {
  it('leaves the container running and fails with the store\'s error, so that its retry re-attaches', async () => {
    const logs: LogStore = {
      appendLogs: () => Promise.reject(new StoreUnavailableError(60_000)),
      countLogs: () => Promise.resolve(0),
      readLogs: () => Promise.resolve({ lines: [], next: 0 }),
      followLogs: () => { throw new Error('not used'); },
    };
    const runner = endlessRunner();
    const { runJobAttempt } = createJobActivities({ runner, logs });
    const attempt = new MockActivityEnvironment().run(runJobAttempt, { runId: 'team/app/build#1', flowUri: flow.uri, job, attempt: 1, subscribed: {} });
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(runner.left()).toBe(true);
    expect(runner.delivered()).toBeGreaterThan(0);
  });
});
