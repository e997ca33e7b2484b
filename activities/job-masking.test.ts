import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobAttemptResult } from '../contracts/job-attempt.ts';
import { parseFlow } from '../flow/index.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { WorkerDetachedError } from './errors.ts';
import { JobMasking } from './job-masking.ts';
import { createJobActivities } from './run-job.ts';
import type { JobRunner } from './runner.ts';

const RUN = 'team/app/build#1';
const flow = parseFlow('uri: team/app/build\nstages:\n  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: busybox:1.36, script: "true" } ] } ] }\n');
const job = flow.stages[0]!.actions[0]!.jobs[0]!;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('JobMasking', () => {
  it('adds a `::mask::` value for the later lines and texts, stores the line without it', () => {
    const masking = new JobMasking(['known-secret']);
    expect(masking.line('early run-time-token known-secret')).toBe('early run-time-token ***');
    expect(masking.line('[COUT] ::mask:: run-time-token')).toBe('[COUT] ::mask:: ***');
    expect(masking.line(`later run-time-token ${b64('run-time-token')}`)).toBe('later *** ***');
    expect(masking.text('[post] run-time-token')).toBe('[post] ***');
    // The short rule holds for added values too.
    masking.line('[COUT] ::mask:: on');
    expect(masking.line('validation on')).toBe('validation ***');
  });
});

/**
 * A container whose log is `lines`: the first try detaches after `firstTry`
 * lines (the worker stopped), the retried activity re-attaches and is handed
 * the whole log from its start, as the Docker and Kubernetes runners do.
 */
function reattachingRunner(lines: string[], firstTry: number): JobRunner {
  let tries = 0;
  return {
    kind: 'fake',
    async run(spec, hooks) {
      const upTo = ++tries === 1 ? firstTry : lines.length;
      for (const text of lines.slice(0, upTo)) await hooks.onLine({ ts: Date.now(), stream: 'stdout', text });
      if (tries === 1) throw new WorkerDetachedError(spec.name);
      return { exitCode: 0, timedOut: false, cancelled: false };
    },
  };
}

describe('a `::mask::` value across a re-attach', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coflow-mask-'));
    store = await openSqliteStore(join(dir, 'coflow.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps masking the lines after the re-attach, and stores each line once', async () => {
    const lines = ['[COUT] ::mask:: tok-12345', 'first tok-12345', 'second tok-12345', '[COUT] T = tok-12345'];
    const { runJobAttempt } = createJobActivities({ runner: reattachingRunner(lines, 2), logs: store });
    const input = { runId: RUN, flowUri: flow.uri, job, attempt: 1, subscribed: {} };
    await expect(new MockActivityEnvironment().run(runJobAttempt, input)).rejects.toBeInstanceOf(WorkerDetachedError);
    const result = await new MockActivityEnvironment().run<[typeof input], JobAttemptResult, typeof runJobAttempt>(runJobAttempt, input);
    expect(result.outputs).toEqual({ T: '***' });
    const stored = (await store.readLogs({ runId: RUN, jobPath: job.path, limit: 100 })).lines.map((l) => l.text);
    expect(stored).toEqual(['[COUT] ::mask:: ***', 'first ***', 'second ***', '[COUT] T = ***']);
  });
});
