/**
 * What every integration-style test project needs: a running Docker Engine,
 * the local images, a real Temporal dev server on a fresh database, and the
 * workflow bundle built once — provided to the test files by vitest. The
 * workflows tier needs only the last two.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findTemporalBin, startDevServer } from '../../cli/temporal-server.ts';
import { cacheDir } from '../../worker/config.ts';
import { bundleWorkflows } from '../../worker/worker.ts';
import { ensureWebBuild } from '../../web/build.ts';
import { repoRoot } from './paths.ts';
import { freePort } from './ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    temporalBin: string;
    /** The web UI built from web/ (web/build.ts), served by every test platform. */
    webRoot: string;
  }
}

export interface TestEnvironment {
  /** Stops the Temporal server and removes its directory. */
  stop(): Promise<void>;
}

/** Builds the images, starts Temporal, bundles the workflows, and provides their addresses. */
export async function startTestEnvironment(project: TestProject, name: string): Promise<TestEnvironment> {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${name} tests need a running Docker Engine: run scripts/setup.sh (it starts dockerd)`);
  }
  execFileSync('bash', [join(repoRoot, 'scripts/build-images.sh')], { stdio: 'inherit' });
  execFileSync('docker', ['build', '-q', '-t', 'coflow-test/component:1', join(repoRoot, 'test/images/component')], { stdio: 'ignore' });
  project.provide('webRoot', await ensureWebBuild(cacheDir(process.env)));
  return startTemporalEnvironment(project, name);
}

/** Starts Temporal on a fresh database and bundles the workflows (no Docker needed), and provides their addresses. */
export async function startTemporalEnvironment(project: TestProject, name: string, serverArgs: readonly string[] = []): Promise<TestEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), `coflow-${name}-`));
  const temporalBin = findTemporalBin({ ...(process.env.COFLOW_TEMPORAL_BIN ? { explicit: process.env.COFLOW_TEMPORAL_BIN } : {}), cacheDir: cacheDir(process.env) });
  const [bundle, port] = await Promise.all([bundleWorkflows(), freePort()]);
  const server = await startDevServer({ bin: temporalBin, dbFile: join(dir, 'temporal.db'), port, headless: true, extraArgs: serverArgs, logFd: openSync(join(dir, 'temporal.log'), 'a') });
  const workflowBundlePath = join(dir, 'workflows.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalBin', temporalBin);
  return {
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
