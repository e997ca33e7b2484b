/**
 * A flow validated with its namespace's environments (issue 13): a flow whose
 * jobs deploy (deploy jobs, `deployment:` marks) is checked against the
 * environments file of its uri's namespace; other flows never touch that store.
 */
import { flowNamespace } from '../contracts/environments.ts';
import { parseFlowWithWarnings, type FlowIssue } from '../flow/index.ts';
import { allJobs, type FlowSpec } from '../flow/model.ts';
import type { EnvironmentStore } from '../store/store.ts';

/** Parses `source` and checks its deploy targets; throws FlowValidationError with located issues. */
export async function parseFlowForNamespace(store: EnvironmentStore, source: string): Promise<{ flow: FlowSpec; warnings: readonly FlowIssue[] }> {
  const offline = parseFlowWithWarnings(source);
  const deploys = allJobs(offline.flow).some((j) => j.deploy !== undefined || j.deployment !== undefined);
  if (!deploys) return offline;
  const stored = await store.getEnvironments(flowNamespace(offline.flow.uri));
  return parseFlowWithWarnings(source, { environments: stored?.spec ?? null });
}
