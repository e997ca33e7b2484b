#!/usr/bin/env node
/** A worker process on its own: the same as `coflow worker` (kept for the images and manifests that start it by path). */
import { loadConfig } from './config.ts';
import { runWorkerProcess } from './processes.ts';

process.exitCode = await runWorkerProcess(loadConfig());
