/**
 * 7x24 scenarios, compressed: a `repeat` job runs again and again while the
 * run keeps its id, number and status tree, and every Temporal execution of
 * it stays under a fixed history bound (continue-as-new carrying the state).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../flow/index.ts';
import type { RunInput } from '../contracts/run-input.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { allLogs, job, startHarness, type Harness } from './support/harness.ts';

const REPETITIONS = 30;
/** The history limit given to the run: far below the production default, to force many continue-as-new. */
const HISTORY_LIMIT = 50;
/** What one repetition (activity, timer, workflow tasks) can add past the limit before the next safe point. */
const BOUND = HISTORY_LIMIT + 30;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('a repeat job', () => {
  it(`runs ${REPETITIONS} times in one run whose every execution stays under ${BOUND} history events`, async () => {
    const uri = `test/repeat/scenario-${Date.now()}`;
    const flow = parseFlow(`
uri: ${uri}
stages:
  - name: soak
    actions:
      - name: scenario
        jobs:
          - name: probe
            endpoint: coflow/shell:1.0.0
            script: 'echo "probe at attempt $CO_ATTEMPT"; echo "[COUT] LAST = $CO_ATTEMPT"'
            repeat: { every: 500ms, count: ${REPETITIONS} }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: report, endpoint: coflow/shell:1.0.0, script: "echo soak over" } ] } ] }
`);
    const input: RunInput = { runId: `${uri}#1`, number: 1, flowVersion: 1, flow, historyLimit: HISTORY_LIMIT };
    const handle = await h.platform.client.workflow.start('runFlow', { taskQueue: h.taskQueue, workflowId: input.runId, args: [input] });

    // Mid-way the run answers with its one tree, whichever execution is current.
    for (;;) {
      const live = await h.api.runStatus(input.runId);
      if ((job(live, 'soak.scenario.probe').repetitions ?? 0) >= 10) {
        expect(live).toMatchObject({ runId: input.runId, number: 1, state: 'running' });
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }

    const status = (await handle.result()) as RunStatus;
    expect(status.state).toBe('succeeded');
    const probe = job(status, 'soak.scenario.probe');
    expect(probe.repetitions).toBe(REPETITIONS);
    expect(probe.outputs).toEqual({ LAST: String(REPETITIONS) });
    expect(job(status, 'end.e.report').state).toBe('succeeded');
    expect(status.continuedAsNew).toBeGreaterThanOrEqual(3);

    const executions = [];
    for await (const e of h.platform.client.workflow.list({ query: `WorkflowId = '${input.runId}'` })) executions.push(e);
    expect(executions).toHaveLength(status.continuedAsNew + 1);
    const lengths = executions.map((e) => e.historyLength);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(BOUND);
    console.log(`repeat scenario: ${REPETITIONS} repetitions over ${executions.length} executions, history lengths ${lengths.join(', ')}`);

    // Every repetition's log is there, one attempt each.
    const lines = await allLogs(h.api, input.runId, 'soak.scenario.probe');
    expect(lines.map((l) => l.text).filter((t) => t.startsWith('probe'))).toEqual(Array.from({ length: REPETITIONS }, (_, i) => `probe at attempt ${i + 1}`));
  });
});
