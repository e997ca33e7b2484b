import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../../flow/index.ts';
import type { JobStatus } from '../../../contracts/run-status.ts';
import { initialStatus, startingStatus } from '../../../workflows/status.ts';
import { layoutGraph } from '../graph/layout.ts';
import { graphOfSpec } from '../graph/model.ts';
import { decorateJob, decorateStage, indexStatus } from './decorate.ts';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const job = (over: Partial<JobStatus>): JobStatus => ({ name: 'j', path: 's.a.j', state: 'pending', attempts: [], outputs: {}, warnings: [], ...over });

describe('run page decorations', () => {
  it('shows a finished job\'s duration and its attempt count once it retried', () => {
    const retried = job({
      state: 'succeeded', startedAt: at(0), endedAt: at(4_500),
      attempts: [{ number: 1, state: 'failed', startedAt: at(0), endedAt: at(1000), exitCode: 3, reason: 'exit code 3' }, { number: 2, state: 'succeeded', startedAt: at(2000), endedAt: at(4500), exitCode: 0 }],
    });
    expect(decorateJob(retried, T0 + 60_000)).toEqual({ state: 'succeeded', note: '4.5 s · attempt 2' });
    expect(decorateJob(job({ state: 'succeeded', startedAt: at(0), endedAt: at(800), attempts: [{ number: 1, state: 'succeeded', startedAt: at(0) }] }), T0)).toEqual({ state: 'succeeded', note: '800 ms' });
  });

  it('ticks a running job\'s duration to now, leaves a pending one to the graph, and names skipped, allowed and reused jobs', () => {
    expect(decorateJob(job({ state: 'running', startedAt: at(0) }), T0 + 75_000)).toEqual({ state: 'running', note: '1 min 15 s' });
    expect(decorateJob(job({}), T0)).toEqual({ state: 'pending' });
    expect(decorateJob(job({ state: 'skipped' }), T0)?.note).toBe('skipped');
    expect(decorateJob(job({ state: 'failed', allowedFailure: true, startedAt: at(0), endedAt: at(2000) }), T0)?.note).toBe('failed (allowed) · 2.0 s');
    expect(decorateJob(job({ state: 'succeeded', reusedFrom: 'a/b/c#1' }), T0)?.note).toBe('reused');
    expect(decorateJob(undefined, T0)).toBeUndefined();
  });

  it('counts the repetitions of a repeat job and says when the next one starts while it waits', () => {
    const attempts = [1, 2, 3].map((n) => ({ number: n, state: 'succeeded' as const, startedAt: at(n * 1000) }));
    const between = job({ state: 'running', startedAt: at(3000), endedAt: at(3100), attempts, repetitions: 3, repeatStartedAt: at(1000), nextRepetitionAt: '2026-12-02T10:00:04Z' });
    const note = decorateJob(between, T0)?.note ?? '';
    expect(note).toMatch(/^100 ms · ×3, next \d\d:\d\d:04$/); // local time of day; no `attempt 3`: each repetition is an attempt
    expect(decorateJob({ ...between, state: 'succeeded' }, T0)?.note).toBe('100 ms · ×3');
  });

  it('says a gate waits for approval and a paused stage is paused', () => {
    const stage = { name: 'gate', type: 'pause' as const, actions: [] };
    expect(decorateStage({ ...stage, state: 'waiting', startedAt: at(0) }, T0)).toEqual({ state: 'waiting', note: 'waiting for approval' });
    expect(decorateStage({ ...stage, state: 'paused' }, T0)).toEqual({ state: 'paused', note: 'paused' });
    expect(decorateStage({ ...stage, state: 'succeeded', startedAt: at(0), endedAt: at(3000), approval: { required: 1, approvers: [], decisions: [], outcome: 'approved' } }, T0)).toEqual({ state: 'succeeded', note: 'approved · 3.0 s' });
    expect(decorateStage({ ...stage, state: 'pending' }, T0)).toEqual({ state: 'pending' });
  });

  it('finds every job of the graph in the status tree, duplicate names numbered the same way', () => {
    const flow = parseFlow(`
uri: t/run/dupes
stages:
  - name: build
    actions:
      - name: compile
        jobs:
          - { name: compile, endpoint: busybox }
          - { name: compile, endpoint: busybox }
      - name: compile
        jobs: [ { name: x, endpoint: busybox } ]
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: report, endpoint: busybox } ] } ] }
`);
    const graphPaths = layoutGraph(graphOfSpec(flow)).jobs.map((j) => j.path);
    const index = indexStatus(initialStatus(flow, 't/run/dupes#1', 1, 1, at(0)));
    expect(graphPaths).toEqual([...index.jobs.keys()]);
    expect(new Set(graphPaths).size).toBe(graphPaths.length);
    expect(graphPaths.some((p) => /-1(\.|$)/.test(p))).toBe(true);
  });

  it('keeps a short trigger summary in the tree, without the payload', () => {
    const flow = parseFlow('uri: t/run/trig\nstages: [ { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: busybox } ] } ] } ]\n');
    const status = startingStatus({ runId: 't/run/trig#1', number: 1, flowVersion: 1, flow, trigger: { kind: 'github', event: 'push', actor: 'ada', branch: 'main', commit: 'abc123', message: 'fix it\n\nlong body', payload: { big: true } } }, at(0));
    expect(status.trigger).toEqual({ kind: 'github', event: 'push', actor: 'ada', branch: 'main', commit: 'abc123', message: 'fix it' });
  });

  it('lays out and decorates a 500-job flow', () => {
    const stages = Array.from({ length: 10 }, (_, s) => `  - name: s${s}\n    sequencing: parallel\n    actions:\n${Array.from({ length: 5 }, (_, a) => `      - name: a${a}\n        jobs:\n${Array.from({ length: 10 }, (_, j) => `          - { name: j${j}, endpoint: busybox }`).join('\n')}`).join('\n')}`).join('\n');
    const flow = parseFlow(`uri: t/run/big\nstages:\n${stages}\n`);
    const layout = layoutGraph(graphOfSpec(flow));
    expect(layout.jobs).toHaveLength(500);
    const index = indexStatus(initialStatus(flow, 't/run/big#1', 1, 1, at(0)));
    expect(layout.jobs.map((j) => decorateJob(index.jobs.get(j.path), T0)?.state)).toEqual(Array.from({ length: 500 }, () => 'pending'));
  });
});
