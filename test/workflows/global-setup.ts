/**
 * Setup of the workflows tier: a real Temporal dev server on a fresh database
 * with coflow's search attributes, and the workflow bundle built once. No
 * Docker: jobs run on a scripted runner (scripted-runner.ts).
 */
import { Connection } from '@temporalio/client';
import type { TestProject } from 'vitest/node';
import { ensureSearchAttributes } from '../../worker/search-attributes.ts';
import { startTemporalEnvironment, type TestEnvironment } from '../support/test-environment.ts';

/**
 * The server fires a timer shorter than this shift only after about the shift
 * (default 1 s): a 200 ms backoff would wait a second. Shorter, so that tests
 * can tell backoffs apart; nothing in the workflow depends on it.
 */
const TIMER_SHIFT = ['--dynamic-config-value', 'history.timerProcessorMaxTimeShift="100ms"'];

let env: TestEnvironment | undefined;

export async function setup(project: TestProject): Promise<void> {
  env = await startTemporalEnvironment(project, 'workflows', TIMER_SHIFT);
  // Once for every file: a run upserts CoflowStatus, and its workflow task fails on a namespace without it.
  const connection = await Connection.connect({ address: project.getProvidedContext().temporalAddress });
  try {
    await ensureSearchAttributes(connection, 'default');
  } finally {
    await connection.close();
  }
}

export async function teardown(): Promise<void> {
  await env?.stop();
}
