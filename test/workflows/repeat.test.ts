/**
 * `repeat` across continue-as-new: one run id and one tree over several
 * Temporal executions, each with a bounded history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { job, startWorkflowHarness, statusOf, type WorkflowHarness } from './support.ts';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness('repeat');
});
afterAll(async () => {
  await h?.stop();
});

const REPETITIONS = 12;
/** Far below the production default, to force several continue-as-new. */
const HISTORY_LIMIT = 40;
/** What one repetition (activity, timer, workflow tasks) can add past the limit before the next safe point. */
const BOUND = HISTORY_LIMIT + 30;

describe('a repeat job', () => {
  it(`runs ${REPETITIONS} times in one run over several executions, each under ${BOUND} history events`, async () => {
    const input = h.input(
      `
uri: test/wf/repeat
stages:
  - name: soak
    actions:
      - { name: scenario, jobs: [ { name: probe, endpoint: coflow/shell:1.0.0, repeat: { every: 200ms, count: ${REPETITIONS} } } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: report, endpoint: coflow/shell:1.0.0 } ] } ] }
`,
      { historyLimit: HISTORY_LIMIT },
    );
    const handle = await h.start(input, { 'soak.scenario.probe': (attempt) => ({ lines: [`[COUT] LAST = ${attempt}`] }) });
    const run = await handle.result();

    expect(run).toMatchObject({ runId: input.runId, number: 1, state: 'succeeded' });
    const probe = job(run, 'soak.scenario.probe');
    expect(probe).toMatchObject({ state: 'succeeded', repetitions: REPETITIONS, outputs: { LAST: String(REPETITIONS) } });
    expect(probe.attempts.map((a) => a.number)).toEqual(Array.from({ length: REPETITIONS }, (_, i) => i + 1));
    expect(job(run, 'end.e.report').state).toBe('succeeded');
    expect(run.continuedAsNew).toBeGreaterThanOrEqual(2);
    // One attempt per repetition, no more: nothing ran twice across the executions.
    expect(h.runner.attempts(input.runId, 'soak.scenario.probe').map((a) => a.attempt)).toEqual(probe.attempts.map((a) => a.number));
    // Repetitions start at least `every` apart.
    for (let i = 1; i < probe.attempts.length; i++) {
      expect(Date.parse(probe.attempts[i]!.startedAt) - Date.parse(probe.attempts[i - 1]!.startedAt)).toBeGreaterThanOrEqual(200);
    }

    const executions = [];
    for await (const e of h.env.client.workflow.list({ query: `WorkflowId = '${input.runId}'` })) executions.push(e);
    expect(executions).toHaveLength(run.continuedAsNew + 1);
    expect(new Set(executions.map((e) => e.runId)).size).toBe(executions.length);
    for (const e of executions) expect(e.historyLength).toBeLessThanOrEqual(BOUND);
    // The handle follows the chain: the latest execution answers with the same tree.
    expect((await statusOf(handle)).continuedAsNew).toBe(run.continuedAsNew);
  });
});
