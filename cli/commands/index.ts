/**
 * Every `coflow` command, in the order of the usage text. To add one, write
 * a {@link Command} in its own file and list it here.
 */
import { apply, flow, flows, versions } from './flows.ts';
import { approve, cancel, pause, reject, rerun, resume } from './control.ts';
import { rollback } from './rollback.ts';
import { secret } from './secrets.ts';
import { deployments } from './deployments.ts';
import { incident, incidents } from './incidents.ts';
import { environments } from './environments.ts';
import { dora } from './dora.ts';
import { dev, validate } from './local.ts';
import { logs } from './logs.ts';
import { components, health, metrics } from './platform.ts';
import { run, runs, status } from './runs.ts';
import { api, migrate, worker } from './server.ts';
import type { Command } from './types.ts';

export const COMMANDS: readonly Command[] = [dev, api, worker, migrate, validate, apply, flows, flow, versions, run, status, runs, logs, pause, resume, cancel, approve, reject, rerun, rollback, secret, environments, deployments, incidents, incident, dora, components, health, metrics];

export type { Command, CommandContext } from './types.ts';
export { UsageError } from '../errors.ts';
