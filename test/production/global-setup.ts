/**
 * Setup of the production tier, the one production topology its files share:
 * PostgreSQL (Debian's, started by scripts/postgres.sh on a loopback port:
 * COFLOW_PG_PORT or 55432), whose URL the test files get as `postgresUrl`
 * (each file makes its own database there: test/production/support/postgres.ts);
 * the real Temporal server on it (scripts/temporal-server.sh, fresh databases,
 * frontend on COFLOW_PROD_TEMPORAL_PORT or 17233) as `prodTemporalAddress`;
 * Docker with the local images and the workflow bundle, for the coflow
 * processes the tests start. A PostgreSQL server this setup started is
 * stopped after the run; one that was already running is left running.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflows } from '../../worker/worker.ts';
import { repoRoot } from '../support/paths.ts';
import { startRealTemporal, type RealTemporal } from './temporal-fixture.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `coflow` database of the tier's PostgreSQL server; its superuser may create databases. */
    postgresUrl: string;
  }
}

const script = join(repoRoot, 'scripts/postgres.sh');
const port = process.env.COFLOW_PG_PORT ?? '55432';
const temporalPort = Number(process.env.COFLOW_PROD_TEMPORAL_PORT ?? 17233);
let startedHere = false;
let temporal: RealTemporal | undefined;
let bundleDir: string | undefined;

function postgres(...args: string[]): string {
  return execFileSync('bash', [script, ...args, port], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export async function setup(project: TestProject): Promise<void> {
  try {
    postgres('status');
  } catch {
    startedHere = true;
  }
  project.provide('postgresUrl', postgres('start'));
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
  } catch {
    throw new Error('production tests need a running Docker Engine: run scripts/setup.sh (it starts dockerd)');
  }
  execFileSync('bash', [join(repoRoot, 'scripts/build-images.sh')], { stdio: 'inherit' });
  const [bundle, server] = await Promise.all([bundleWorkflows(), startRealTemporal(temporalPort, Number(port))]);
  temporal = server;
  bundleDir = mkdtempSync(join(tmpdir(), 'coflow-production-'));
  writeFileSync(join(bundleDir, 'workflows.js'), bundle.code);
  project.provide('workflowBundlePath', join(bundleDir, 'workflows.js'));
  project.provide('prodTemporalAddress', server.address);
  project.provide('prodTemporalEnv', { ...server.env });
}

export function teardown(): void {
  temporal?.stop();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  if (startedHere) postgres('stop');
}
