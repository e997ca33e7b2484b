/**
 * Expressions inside the run workflow: the contexts a run offers
 * (`run`, `flow`, `trigger`, `inputs`, `env`, `jobs`), `if:` conditions, and
 * interpolation of job fields before the activity is called. Secrets are
 * never resolved here: `${{ secrets.X }}` stays as written and the job
 * activity resolves it, so secret values never enter workflow history.
 */
import { ExpressionEvalError, ExpressionSyntaxError, contextsOf, evaluateCondition, interpolate, readsSecrets, type Expr, type ExprContexts, type ExprValue } from '../flow/expressions/index.ts';
import { mapJobTexts, mapServiceTexts } from '../flow/job-texts.ts';
import { allJobs, type JobSpec, type ServiceSpec } from '../flow/model.ts';
import { resolveJobRef } from '../flow/paths.ts';
import { now, type RunContext } from './run-context.ts';
import { jobsOf, type ActionStatus, type StageStatus } from '../contracts/run-status.ts';

/** The contexts of a run as it stands now. */
export function runContexts(ctx: RunContext): ExprContexts {
  const { input, flow, status } = ctx;
  const jobs: Record<string, ExprValue> = {};
  for (const js of jobsOf(status)) {
    jobs[js.path] = { outputs: { ...(ctx.outputs.get(js.path) ?? js.outputs) }, result: js.state };
  }
  const base: Record<string, ExprValue> = {
    run: { id: input.runId, number: input.number },
    flow: { uri: flow.uri, version: input.flowVersion, ...(flow.title === undefined ? {} : { title: flow.title }) },
    trigger: (input.trigger ?? {}) as unknown as ExprValue,
    inputs: input.inputs ?? {},
    jobs,
  };
  // `env` is the flow's environments, themselves interpolated (they cannot read env or jobs).
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(flow.environments)) env[k] = interpolate(v, base, { defer: readsSecrets });
  return { ...base, env };
}

function options(ctx: RunContext) {
  const jobs = allJobs(ctx.flow);
  const failed = ctx.status.stages.some((s) => s.state === 'failed' || s.actions.some((a) => a.jobs.some((j) => j.state === 'failed' && !j.allowedFailure)));
  return {
    resolveJob: (ref: string) => {
      const found = resolveJobRef(jobs, ref);
      return found.ok ? found.path : undefined;
    },
    status: { failed, cancelled: ctx.status.state === 'cancelled' },
    defer: readsSecrets,
  };
}

function describe(err: unknown): string {
  if (err instanceof ExpressionSyntaxError || err instanceof ExpressionEvalError) return err.message;
  throw err;
}

/** Whether an `if:` holds; an expression that cannot be evaluated is reported, not thrown. */
export function conditionHolds(ctx: RunContext, condition: string | undefined): { holds: boolean; error?: string } {
  if (condition === undefined) return { holds: true };
  try {
    return { holds: evaluateCondition(condition, runContexts(ctx), options(ctx)) };
  } catch (err) {
    return { holds: false, error: `if: ${describe(err)}` };
  }
}

/** The job with `${{ }}` in its interpolated fields (flow/job-texts.ts) replaced; secrets are left for the activity. */
export function interpolateJob(ctx: RunContext, job: JobSpec): JobSpec {
  const contexts = runContexts(ctx);
  const opts = options(ctx);
  const interpolated = mapJobTexts(job, (s) => interpolate(s, contexts, opts));
  return job.service === undefined ? interpolated : { ...interpolated, service: interpolateService(job.service, contexts, opts) };
}

/** A service's url, header values and body; `secrets` and `callback.url` are left for the activity. */
function interpolateService(service: ServiceSpec, contexts: ExprContexts, opts: ReturnType<typeof options>): ServiceSpec {
  const later = { ...opts, defer: (e: Expr) => readsSecrets(e) || contextsOf(e).has('callback') };
  return mapServiceTexts(service, (s) => interpolate(s, contexts, later));
}

/** Like {@link interpolateJob}, but returns an evaluation error as a message. */
export function tryInterpolateJob(ctx: RunContext, job: JobSpec): { job: JobSpec } | { error: string } {
  try {
    return { job: interpolateJob(ctx, job) };
  } catch (err) {
    return { error: `expression: ${describe(err)}` };
  }
}

/**
 * Applies a stage's or action's `if:`: when false, marks it and everything
 * under it skipped; when it cannot be evaluated, marks it failed with the
 * reason. Returns true when the node must not run.
 */
export function skippedByCondition(ctx: RunContext, condition: string | undefined, node: StageStatus | ActionStatus): boolean {
  const when = conditionHolds(ctx, condition);
  if (when.holds) return false;
  const actions = 'actions' in node ? node.actions : [];
  const jobs = 'jobs' in node ? node.jobs : actions.flatMap((a) => a.jobs);
  for (const a of actions) a.state = 'skipped';
  for (const j of jobs) j.state = 'skipped';
  node.state = when.error === undefined ? 'skipped' : 'failed';
  if (when.error !== undefined) {
    if ('actions' in node) node.error = when.error;
    else if (jobs[0] !== undefined) jobs[0].error = when.error;
  }
  node.endedAt = now();
  return true;
}
