/**
 * Integration test setup: a real Temporal dev server (fresh database), real
 * dockerd with the test images built locally, and the workflow bundle built
 * once for every test file.
 */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startTestEnvironment, type TestEnvironment } from './support/test-environment.ts';

let env: TestEnvironment | undefined;

export async function setup(project: TestProject): Promise<void> {
  env = await startTestEnvironment(project, 'integration');
}

/**
 * Removes the containers of test runs (run ids under `test/`): a worker that
 * stops while a job runs leaves its container for re-attachment, by design.
 * Containers of other runs (a developer's `coflow dev`) are left alone.
 */
function removeTestContainers(): void {
  const rows = execFileSync('docker', ['ps', '-a', '--filter', 'label=coflow.run', '--format', '{{.ID}} {{.Label "coflow.run"}}'], { encoding: 'utf8' });
  const ids = rows.split('\n').filter((r) => r.split(' ')[1]?.startsWith('test/')).map((r) => r.split(' ')[0]!);
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

export async function teardown(): Promise<void> {
  removeTestContainers();
  await env?.stop();
}
