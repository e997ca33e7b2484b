/**
 * Where a run reports its commit statuses (contracts/forge-report.ts),
 * resolved once when the run is prepared: from the webhook's matched trigger
 * and event, or from a manual run's `--commit`/`--repo` and the flow's trigger
 * of that forge. A re-run keeps its original's (runs/prepare.ts).
 */
import type { ReportTarget } from '../contracts/forge-report.ts';
import { REPORT_FORGES, type FlowSpec, type HookTrigger, type ReportForge, type StatusReportSpec } from '../flow/model.ts';
import { ReportRequestError } from './errors.ts';

/** What a caller knows; `pageBase` is COFLOW_PUBLIC_URL, else the API's own address (the run page is under it). */
export type ReportRequest =
  | { readonly from: 'event'; readonly forge: ReportForge; readonly spec: StatusReportSpec; readonly repo: string; readonly commit: string; readonly installationId?: number; readonly pageBase: string }
  | { readonly from: 'manual'; readonly repo: string; readonly commit: string; readonly pageBase: string };

const DEFAULT_API: Readonly<Record<ReportForge, string | undefined>> = { github: 'https://api.github.com', gitlab: 'https://gitlab.com/api/v4', gitea: undefined };
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const REPO = /^(github|gitlab|gitea):([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+)$/;

/** The report request of a webhook delivery: the first matched trigger with `report:`, when the event names a commit. */
export function eventReportRequest(matched: readonly HookTrigger[], commit: string | undefined, repo: string | undefined, payload: unknown, pageBase: string): ReportRequest | undefined {
  const trigger = matched.find((t) => t.report !== undefined && (REPORT_FORGES as readonly string[]).includes(t.kind));
  if (trigger?.report === undefined || commit === undefined || repo === undefined) return undefined;
  const installation = (payload as { installation?: { id?: unknown } } | null)?.installation?.id;
  return {
    from: 'event',
    forge: trigger.kind as ReportForge,
    spec: trigger.report,
    repo,
    commit,
    ...(trigger.kind === 'github' && typeof installation === 'number' ? { installationId: installation } : {}),
    pageBase,
  };
}

/** The run's target; ReportRequestError for a manual request the flow cannot report on. */
export function resolveReportTarget(flow: FlowSpec, number: number, request: ReportRequest): ReportTarget {
  const { forge, spec, repo, installationId } = request.from === 'event' ? request : manualConnection(flow, request);
  const commit = request.commit.toLowerCase();
  const apiUrl = spec.apiUrl ?? DEFAULT_API[forge];
  // The parser refuses a gitea report without `api`; a flow stored before that cannot report.
  if (apiUrl === undefined) throw new ReportRequestError(`the ${forge} trigger's report has no "api"`);
  return {
    forge,
    apiUrl,
    repo,
    commit,
    ...(spec.tokenSecret === undefined ? {} : { tokenSecret: spec.tokenSecret }),
    ...(spec.app === undefined ? {} : { app: { ...spec.app, ...(installationId === undefined ? {} : { installationId }) } }),
    context: spec.context ?? `coflow/${flow.uri}`,
    perStage: spec.perStage,
    targetUrl: `${request.pageBase.replace(/\/+$/, '')}/runs/${flow.uri}/${number}`,
  };
}

/** A manual run's connection: the flow's trigger of the `--repo`'s forge. */
function manualConnection(flow: FlowSpec, request: Extract<ReportRequest, { from: 'manual' }>): { forge: ReportForge; spec: StatusReportSpec; repo: string; installationId?: number } {
  const repo = REPO.exec(request.repo);
  if (repo === null) throw new ReportRequestError(`repo must be FORGE:OWNER/NAME with FORGE one of ${REPORT_FORGES.join(', ')} (e.g. gitea:acme/shop), got "${request.repo}"`);
  if (!SHA.test(request.commit.toLowerCase())) throw new ReportRequestError(`commit must be a full commit SHA (40 hex digits), got "${request.commit}"`);
  const forge = repo[1] as ReportForge;
  const triggers = (flow.triggers ?? []).filter((t): t is HookTrigger => t.kind === forge);
  if (triggers.length === 0) throw new ReportRequestError(`flow ${flow.uri} has no ${forge} trigger to take the report connection from`);
  const spec = triggers.find((t) => t.report !== undefined)?.report;
  if (spec === undefined) throw new ReportRequestError(`the ${forge} trigger of flow ${flow.uri} has no "report:"; add one to report commit statuses`);
  return { forge, spec, repo: repo[2]! };
}
