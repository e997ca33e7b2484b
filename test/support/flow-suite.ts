/**
 * The flow suite every runner must pass: flows run end to end on a real
 * Temporal server and a real container runtime, driven through the HTTP API
 * as a user would. test/flows.test.ts runs it on docker,
 * test/kubernetes/flows.test.ts on kubernetes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../cli/errors.ts';
import { allLogs, applyAndRun, job, startHarness, type Harness } from './harness.ts';
import type { JobRunner } from '../../activities/runner.ts';

/** What differs between runners. */
export interface FlowTarget {
  /** The runner under test; the docker runner when unset. */
  readonly runner?: () => JobRunner;
  /** Whether stdout and stderr arrive as separate streams (Kubernetes merges them). */
  readonly separateStreams: boolean;
  /** Containers or Pods of a run still present (any state). */
  leftovers(runId: string): Promise<string[]>;
}

/** Defines the flow tests against one runner. */
export function flowSuite(target: FlowTarget): void {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(target.runner ? { runner: target.runner() } : {});
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('a three-stage flow', () => {
    it('runs stages in order, actions in parallel, and hands an output to a later job through subscriptions', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/three-stages
title: Three stages
environments:
  - GREETING: hello
stages:
  - { type: start, name: start }
  - name: build
    sequencing: parallel
    actions:
      - name: compile
        jobs:
          - name: version
            endpoint: coflow/shell:1.0.0
            script: |
              sleep 1
              echo "[COUT] VERSION = 1.2.3"
            outputs: [VERSION]
      - name: lint
        jobs:
          - name: vet
            component: library/shell@1
            script: echo "$GREETING from lint"
  - name: ship
    actions:
      - name: package
        jobs:
          - name: tarball
            endpoint: coflow-test/component:1
            inputs: { name: shop, arch: amd64 }
            subscriptions:
              - "build.compile.version[VERSION]": APP_VERSION
          - name: report
            endpoint: coflow/shell:1.0.0
            script: 'echo "packaged $APP_VERSION"; echo "[COUT] PACKAGED = $APP_VERSION"'
            subscriptions:
              - "build.compile.version[VERSION]": APP_VERSION
  - { type: end, name: end }
`,
      );
      expect(run.state).toBe('succeeded');
      expect(run.stages.map((s) => [s.name, s.state])).toEqual([
        ['start', 'succeeded'],
        ['build', 'succeeded'],
        ['ship', 'succeeded'],
        ['end', 'succeeded'],
      ]);
      expect(job(run, 'build.compile.version').outputs).toEqual({ VERSION: '1.2.3' });
      expect(job(run, 'ship.package.report').outputs).toEqual({ PACKAGED: '1.2.3' });
      // The ContainerOps-style component got its inputs in CO_DATA and echoed them back.
      expect(job(run, 'ship.package.tarball').outputs).toEqual({ name: 'shop', arch: 'amd64' });

      // Both parallel actions overlapped in time.
      const [compile, lint] = run.stages[1]!.actions;
      expect(Date.parse(lint!.startedAt!)).toBeLessThan(Date.parse(compile!.endedAt!));
      // The later stage started after the parallel stage ended.
      expect(Date.parse(run.stages[2]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(run.stages[1]!.endedAt!));

      const vet = await allLogs(h.api, run.runId, 'build.lint.vet');
      expect(vet.map((l) => [l.stream, l.text])).toEqual([['stdout', 'hello from lint']]);
      const tarball = await allLogs(h.api, run.runId, 'ship.package.tarball');
      // Kubernetes merges stderr into the one container log (stream `stdout`).
      expect(tarball.find((l) => l.text.startsWith('CO_DATA_JSON='))).toMatchObject({
        stream: target.separateStreams ? 'stderr' : 'stdout',
        text: 'CO_DATA_JSON={"name":"shop","arch":"amd64"}',
      });
      for (const l of tarball) expect(Math.abs(l.ts - Date.now())).toBeLessThan(300_000);
      expect(await target.leftovers(run.runId)).toEqual([]);
    });
  });

  describe('verdicts', () => {
    it('fails the run when the component reports CO_RESULT=false, even with exit code 0', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/co-result-false
stages:
  - name: check
    actions:
      - name: a
        jobs:
          - { name: verdict, endpoint: coflow-test/component:1, inputs: { result: "false" } }
`,
      );
      expect(run.state).toBe('failed');
      const j = job(run, 'check.a.verdict');
      expect(j.state).toBe('failed');
      expect(j.attempts[0]!.exitCode).toBe(0);
      expect(j.error).toMatch(/CO_RESULT=false/);
      expect(run.error).toMatch(/check\.a\.verdict/);
    });

    it('fails the job on exit code 3 even when it reported CO_RESULT=true', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/exit-three
stages:
  - name: check
    actions:
      - name: a
        jobs:
          - name: verdict
            endpoint: coflow/shell:1.0.0
            script: 'echo "[COUT] CO_RESULT = true"; exit 3'
          - { name: never, endpoint: coflow/shell:1.0.0, script: "echo should not run" }
`,
      );
      expect(run.state).toBe('failed');
      const j = job(run, 'check.a.verdict');
      expect(j.attempts.map((a) => a.exitCode)).toEqual([3]);
      expect(j.error).toMatch(/exited with code 3/);
      expect(job(run, 'check.a.never').state).toBe('skipped');
    });

    it('delivers a [COUT] value containing "=" whole', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/cout-equals
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: url
            endpoint: coflow/shell:1.0.0
            script: |
              echo "[COUT] URL = https://example.test/?a=1&b=2=3"
              echo "[COUT]QUERY=x=y"
              echo "[COUT] not a valid line"
`,
      );
      expect(run.state).toBe('succeeded');
      const j = job(run, 's.a.url');
      expect(j.outputs).toEqual({ URL: 'https://example.test/?a=1&b=2=3', QUERY: 'x=y' });
      expect(j.warnings.join('\n')).toMatch(/malformed \[COUT\]/);
    });
  });

  describe('retries and timeouts', () => {
    it('succeeds on the second attempt of a flaky job', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/flaky
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: flaky
            endpoint: coflow/shell:1.0.0
            script: 'echo "attempt $CO_ATTEMPT"; [ "$CO_ATTEMPT" -ge 2 ]'
            retries: { max: 3, backoff: 1s }
`,
      );
      expect(run.state).toBe('succeeded');
      const j = job(run, 's.a.flaky');
      expect(j.attempts.map((a) => [a.number, a.state, a.exitCode])).toEqual([
        [1, 'failed', 1],
        [2, 'succeeded', 0],
      ]);
      const logs = await allLogs(h.api, run.runId, 's.a.flaky');
      expect(logs.map((l) => `${l.attempt}:${l.text}`)).toEqual(['1:attempt 1', '2:attempt 2']);
    });

    it('kills a job at its timeout and leaves no container behind', async () => {
      const started = Date.now();
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/timeout
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: slow
            endpoint: coflow/shell:1.0.0
            script: 'echo started; sleep 120'
            timeout: 2s
  - { type: end, name: cleanup, actions: [ { name: c, jobs: [ { name: always, endpoint: coflow/shell:1.0.0, script: "echo cleanup ran" } ] } ] }
`,
      );
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(run.state).toBe('failed');
      const j = job(run, 's.a.slow');
      expect(j.error).toMatch(/timed out after 2s/);
      expect(j.attempts).toHaveLength(1);
      expect(job(run, 'cleanup.c.always').state).toBe('succeeded');
      expect(await target.leftovers(run.runId)).toEqual([]);
      expect((await allLogs(h.api, run.runId, 's.a.slow')).map((l) => l.text)).toEqual(['started']);
    });

    it('bounds the whole run with the flow timeout, then runs the end stage', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/flow-timeout
timeout: 3s
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: long, endpoint: coflow/shell:1.0.0, script: "sleep 120" } ] } ] }
  - { name: after, actions: [ { name: a, jobs: [ { name: never, endpoint: coflow/shell:1.0.0, script: "true" } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: final, endpoint: coflow/shell:1.0.0, script: "echo end" } ] } ] }
`,
      );
      expect(run.state).toBe('failed');
      expect(run.error).toMatch(/run timed out after 3s/);
      expect(job(run, 's.a.long').state).toBe('cancelled');
      expect(job(run, 'after.a.never').state).toBe('skipped');
      expect(job(run, 'end.e.final').state).toBe('succeeded');
      expect(await target.leftovers(run.runId)).toEqual([]);
    });
  });

  describe('failure handling', () => {
    it('fails fast in a parallel stage: a failure cancels the sibling actions and stops their containers', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/fail-fast
stages:
  - name: p
    sequencing: parallel
    actions:
      - { name: bad, jobs: [ { name: fails, endpoint: coflow/shell:1.0.0, script: "sleep 1; exit 1" } ] }
      - { name: slow, jobs: [ { name: sleeps, endpoint: coflow/shell:1.0.0, script: "sleep 120" } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: final, endpoint: coflow/shell:1.0.0, script: "echo end" } ] } ] }
`,
      );
      expect(run.state).toBe('failed');
      expect(job(run, 'p.bad.fails').state).toBe('failed');
      expect(job(run, 'p.slow.sleeps').state).toBe('cancelled');
      expect(job(run, 'end.e.final').state).toBe('succeeded');
      expect(Date.parse(run.endedAt!) - Date.parse(run.startedAt)).toBeLessThan(60_000);
      expect(await target.leftovers(run.runId)).toEqual([]);
    });

    it('keeps going past a job with allowFailure', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/allow-failure
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: lint, endpoint: coflow/shell:1.0.0, script: "exit 2", allowFailure: true }
          - { name: test, endpoint: coflow/shell:1.0.0, script: "echo tests pass" }
`,
      );
      expect(run.state).toBe('succeeded');
      expect(job(run, 's.a.lint')).toMatchObject({ state: 'failed', allowedFailure: true });
      expect(job(run, 's.a.test').state).toBe('succeeded');
    });

    it('fails a job whose image does not exist (pull policy Never) without retrying it', async () => {
      const run = await applyAndRun(
        h.api,
        `
uri: test/flows/missing-image
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: ghost, endpoint: "coflow-test/does-not-exist:9", imagePullPolicy: Never, retries: 3 } ] } ] }
`,
      );
      expect(run.state).toBe('failed');
      const j = job(run, 's.a.ghost');
      expect(j.attempts).toHaveLength(1);
      expect(j.error).toMatch(/coflow-test\/does-not-exist:9 not found: .*pull policy is Never/);
    });
  });

  describe('validation', () => {
    it('rejects a malformed flow with line:column and stores nothing', async () => {
      const yaml = `uri: test/flows/malformed
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: j
            endpoint: coflow/shell:1.0.0
            timeout: soon
            colour: blue
`;
      const err = await h.api.applyFlow(yaml).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiCallError);
      const e = err as ApiCallError;
      expect(e.status).toBe(422);
      const issues = (e.details as { issues: { path: string; line: number; column: number; message: string }[] }).issues;
      expect(issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'stages[0].actions[0].jobs[0].timeout', line: 9, column: 22 }),
          expect.objectContaining({ path: 'stages[0].actions[0].jobs[0].colour', line: 10, column: 13 }),
        ]),
      );
      const missing = await h.api.request('GET', '/api/v1/flows/test/flows/malformed').catch((x: unknown) => x);
      expect(missing).toMatchObject({ status: 404 });
      const started = await h.api.startRun('test/flows/malformed').catch((x: unknown) => x);
      expect(started).toMatchObject({ status: 404 });
    });

    it('creates a new version only when the flow changed, and a run pins its version', async () => {
      const v1 = `uri: test/flows/versions\nstages:\n  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "echo one" } ] } ] }\n`;
      const first = await h.api.applyFlow(v1);
      const again = await h.api.applyFlow(v1);
      expect([first.version, first.created, again.version, again.created]).toEqual([1, true, 1, false]);
      const second = await h.api.applyFlow(v1.replace('echo one', 'echo two'));
      expect([second.version, second.created]).toEqual([2, true]);
      const run = await applyAndRun(h.api, v1.replace('echo one', 'echo two'));
      expect(run.flowVersion).toBe(2);
      expect((await allLogs(h.api, run.runId)).map((l) => l.text)).toEqual(['two']);
    });
  });
  }
