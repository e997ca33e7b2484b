/**
 * A job marked `deployment:` on the docker runner, through the real API
 * (issue 13): its attempt is recorded as a deployment of the pair, from
 * start to end, with its image, run, job and who started it, and later jobs
 * read its id from the job's outputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../contracts/run-status.ts';
import { jobsOf } from '../contracts/run-status.ts';
import { startHarness, waitForRun, type Harness } from './support/harness.ts';
import { environmentsSpec } from './support/store-suite-deployments.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.platform.store.applyEnvironments(environmentsSpec('marks', ['staging']), 'seeded');
});
afterAll(async () => {
  await h?.stop();
});

const FLOW = `
uri: marks/shop/release
stages:
  - name: ship
    actions:
      - name: a
        jobs:
          - { name: kubectl, endpoint: coflow/shell:1.0.0, script: "echo applied", deployment: { environment: staging } }
  - name: after
    actions:
      - name: a
        jobs:
          - { name: read, endpoint: coflow/shell:1.0.0, script: "echo [COUT] SEEN = $SEEN", environments: { SEEN: "\${{ jobs.ship.a.kubectl.outputs.DEPLOYMENT_ID }}" }, outputs: [SEEN] }
`;

describe('deployment:-marked jobs on the docker runner', () => {
  it('record the attempt as a deployment of the pair, and later jobs read its id', async () => {
    await h.api.applyFlow(FLOW);
    const started = await h.api.startRun('marks/shop/release');
    const status: RunStatus = await waitForRun(h.api, started.runId);
    expect(status.state).toBe('succeeded');
    const [kubectl, read] = jobsOf(status);
    const id = Number(kubectl!.outputs.DEPLOYMENT_ID);
    expect(read!.outputs.SEEN).toBe(String(id));
    const record = await h.platform.store.getDeployment(id);
    expect(record).toMatchObject({
      kind: 'marked', result: 'succeeded', namespace: 'marks', environment: 'staging', application: 'shop',
      runId: started.runId, jobPath: 'ship.a.kubectl', attempt: 1, images: ['coflow/shell:1.0.0'], user: status.triggeredBy,
    });
    expect(record?.manifest).toBeUndefined();
    expect(Date.parse(record!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(record!.startedAt));
  });
});
