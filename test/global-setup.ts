/**
 * Integration test setup: a real Temporal dev server (fresh database), real
 * dockerd with the test images built locally, and the workflow bundle built
 * once for every test file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findTemporalBin, startDevServer, type DevServer } from '../cli/temporal-server.ts';
import { cacheDir } from '../worker/config.ts';
import { bundleWorkflows } from '../worker/worker.ts';
import { freePort } from './support/ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    temporalBin: string;
  }
}

const root = resolve(import.meta.dirname, '..');
let server: DevServer | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
  } catch {
    throw new Error('integration tests need a running Docker Engine: run scripts/setup.sh (it starts dockerd)');
  }
  execFileSync('bash', [join(root, 'scripts/build-images.sh')], { stdio: 'inherit' });
  execFileSync('docker', ['build', '-q', '-t', 'coflow-test/component:1', join(root, 'test/images/component')], { stdio: 'ignore' });

  dir = mkdtempSync(join(tmpdir(), 'coflow-it-'));
  const temporalBin = findTemporalBin({ ...(process.env.COFLOW_TEMPORAL_BIN ? { explicit: process.env.COFLOW_TEMPORAL_BIN } : {}), cacheDir: cacheDir(process.env) });
  const [bundle, port] = await Promise.all([bundleWorkflows(), freePort()]);
  server = await startDevServer({ bin: temporalBin, dbFile: join(dir, 'temporal.db'), port, headless: true, logFd: openSync(join(dir, 'temporal.log'), 'a') });
  const workflowBundlePath = join(dir, 'workflows.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalBin', temporalBin);
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
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
