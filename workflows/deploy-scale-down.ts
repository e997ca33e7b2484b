/**
 * Blue-green's delayed scale-down (issue 13): after a switch the run starts
 * a child it abandons, which sleeps `scaleDownAfterMs` (the old colour keeps
 * its replicas: an instant rollback until then) and asks the engine to
 * scale the old colour down. The run does not wait for it.
 */
import { CancellationScope, ParentClosePolicy, WorkflowIdReusePolicy, log, proxyActivities, sleep, startChild } from '@temporalio/workflow';
import type { BlueGreenSpec } from '../flow/model.ts';
import type { DeployEngineActivities, ScaleDownInput } from '../contracts/deploy.ts';
import type { DeploymentRecord } from '../contracts/deployments.ts';
import { SCALE_DOWN_WORKFLOW, type ScaleDownWorkflow } from '../contracts/workflows.ts';
import type { RunContext } from './run-context.ts';

const { scaleDownColour } = proxyActivities<DeployEngineActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '2s', maximumInterval: '1m', backoffCoefficient: 2, maximumAttempts: 20 },
});

/** The child: waits, then scales the colour down (the engine keeps a colour that is live again). */
export async function scaleDownColourLater(input: { readonly afterMs: number; readonly target: ScaleDownInput }): Promise<{ scaled: boolean; reason?: string }> {
  if (input.afterMs > 0) await sleep(input.afterMs);
  return scaleDownColour(input.target);
}

/** The child's id: one per deployment that switched. */
export function scaleDownWorkflowId(runId: string, deploymentId: number): string {
  return `${runId}/scale-down/${deploymentId}`;
}

/** Starts the scale-down of the colour `live`'s switch took out of service, without waiting for it. */
export function startScaleDown(ctx: RunContext, spec: BlueGreenSpec, live: DeploymentRecord, liveColour: string): void {
  // Two colours: the engine picked the one opposite to the previous deployment's.
  const colour = liveColour === 'blue' ? 'green' : 'blue';
  const workflowId = scaleDownWorkflowId(ctx.input.runId, live.id);
  const target: ScaleDownInput = { namespace: live.namespace, environment: live.environment, application: live.application, colour, deploymentId: live.id };
  ctx.inFlight++;
  const started = CancellationScope.nonCancellable(() =>
    startChild<ScaleDownWorkflow>(SCALE_DOWN_WORKFLOW, {
      workflowId,
      args: [{ afterMs: spec.scaleDownAfterMs, target }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }),
  )
    .then(
      () => undefined,
      (err: unknown) => log.warn('scale-down not started', { workflowId, error: (err as Error).message }),
    )
    .finally(() => ctx.inFlight--);
  ctx.notices.push(started);
}
