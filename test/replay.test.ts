/**
 * Determinism: the run workflow must replay the histories of earlier runs
 * exactly. Committed histories (test/histories/, recorded from real runs with
 * COFLOW_RECORD_HISTORIES=1) guard against changes that would break runs
 * already open; fresh runs guard the current code.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyAndRun, repoRoot, startHarness, type Harness } from './support/harness.ts';

const historiesDir = join(repoRoot, 'test/histories');
const replayOptions = () => ({ workflowBundle: { codePath: inject('workflowBundlePath') } });

/** Flows whose histories cover every branch of the interpreter: parallel, data links, retries, fail fast, timeouts, end stages. */
const FLOWS: Record<string, string> = {
  'parallel-subscriptions': `
uri: test/replay/parallel
stages:
  - { type: start, name: start }
  - name: build
    sequencing: parallel
    actions:
      - { name: a, jobs: [ { name: out, endpoint: coflow/shell:1.0.0, script: 'echo "[COUT] V = 7"', outputs: [V] } ] }
      - { name: b, jobs: [ { name: other, endpoint: coflow/shell:1.0.0, script: "true" } ] }
  - name: use
    actions:
      - { name: c, jobs: [ { name: reader, endpoint: coflow/shell:1.0.0, script: 'echo "$X"', subscriptions: [ { "build.a.out[V]": X } ] } ] }
  - { type: end, name: end }
`,
  'retries-allow-failure': `
uri: test/replay/retries
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: flaky, endpoint: coflow/shell:1.0.0, script: '[ "$CO_ATTEMPT" -ge 2 ]', retries: { max: 2, backoff: 1s } }
          - { name: lint, endpoint: coflow/shell:1.0.0, script: "exit 1", allowFailure: true }
`,
  'fail-fast-timeout-end': `
uri: test/replay/failfast
timeout: 10m
stages:
  - name: p
    sequencing: parallel
    actions:
      - { name: bad, jobs: [ { name: fails, endpoint: coflow/shell:1.0.0, script: "exit 1" } ] }
      - { name: slow, jobs: [ { name: sleeps, endpoint: coflow/shell:1.0.0, script: "sleep 60", timeout: 30s } ] }
  - { name: never, actions: [ { name: n, jobs: [ { name: n, endpoint: coflow/shell:1.0.0, script: "true" } ] } ] }
  - { type: end, name: end, actions: [ { name: e, jobs: [ { name: final, endpoint: coflow/shell:1.0.0, script: "true" } ] } ] }
`,
};

describe('replaying recorded histories', () => {
  const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

  it('has committed histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(FLOWS).length);
  });

  it.each(files)('replays %s without non-determinism', async (file) => {
    // runReplayHistory reads the JSON form Temporal's tools write.
    const history: unknown = JSON.parse(readFileSync(join(historiesDir, file), 'utf8'));
    await Worker.runReplayHistory(replayOptions(), history, file);
  });
});

describe('replaying fresh runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(Object.keys(FLOWS))('replays a fresh %s run', async (name) => {
    const run = await applyAndRun(h.api, FLOWS[name]!);
    expect(['succeeded', 'failed']).toContain(run.state);
    const history = await h.platform.client.workflow.getHandle(run.runId).fetchHistory();
    await Worker.runReplayHistory(replayOptions(), history, run.runId);
    const record = process.env.COFLOW_RECORD_HISTORIES;
    if (record) {
      // The CLI's JSON is the format Temporal's tools exchange (the SDK's own
      // historyToJSON trips over two protobufjs copies in this dependency tree).
      const json = execFileSync(inject('temporalBin'), ['workflow', 'show', '--workflow-id', run.runId, '--output', 'json', '--address', inject('temporalAddress')]);
      // `1` writes <flow>.json; any other value is a prefix (`v2` → v2-<flow>.json) so older histories stay.
      writeFileSync(join(historiesDir, `${record === '1' ? '' : `${record}-`}${name}.json`), json);
    }
  });

  it('detects a workflow that no longer matches its history', async () => {
    // A history whose recorded command does not fit the workflow code must fail the replay:
    // proof that the committed histories would catch a non-deterministic change.
    const file = readdirSync(historiesDir).find((f) => f.endsWith('.json'))!;
    const json = JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as { events: { activityTaskScheduledEventAttributes?: { activityType?: { name: string } } }[] };
    const scheduled = json.events.find((e) => e.activityTaskScheduledEventAttributes);
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'someOtherActivity';
    await expect(Worker.runReplayHistory(replayOptions(), json, 'tampered')).rejects.toThrow(/[Nn]ondetermin/);
  });
});
