/**
 * The flow suite (test/support/flow-suite.ts) on the docker runner.
 */
import { containersOfRun } from './support/harness.ts';
import { flowSuite } from './support/flow-suite.ts';

flowSuite({ separateStreams: true, leftovers: (runId) => Promise.resolve(containersOfRun(runId)) });
