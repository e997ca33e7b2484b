#!/usr/bin/env node
/**
 * bench/scale.ts's worker process: `coflow worker` (the same start code, the
 * same environment) with the runner that starts nothing, so thousands of runs
 * cost the orchestration alone. A benchmark's entry point, not a user option.
 */
import { loadConfig } from '../worker/config.ts';
import { runWorkerProcess } from '../worker/processes.ts';
import { noopRunner } from './support/noop-runner.ts';

process.exitCode = await runWorkerProcess(loadConfig(), { runner: noopRunner });
