/**
 * GitHub (github.com and GitHub Enterprise Server, `…/api/v3`): commit
 * statuses, and check runs when coflow reports as a GitHub App. Each report
 * first reads what the forge already shows for (commit, context) and sends
 * nothing when it is the same: a retry after a crash sends nothing twice.
 */
import { createHash } from 'node:crypto';
import type { ReportState, StatusReport } from '../../contracts/forge-report.ts';
import { cut, forgeCall, type ForgeHttp } from './http.ts';
import { githubHeaders } from './github-headers.ts';

/** GitHub refuses longer status descriptions. */
export const GITHUB_DESCRIPTION_LIMIT = 140;

/** Pages of the combined status read before giving up on finding the context (100 contexts a page). */
const STATUS_PAGES = 10;

export type Sent = 'sent' | 'unchanged';

interface GitHubStatus {
  readonly context?: unknown;
  readonly state?: unknown;
  readonly description?: unknown;
  readonly target_url?: unknown;
}

/** `{api}/repos/{owner}/{name}`, each part encoded. */
export const repoUrl = (report: StatusReport): string => `${report.target.apiUrl}/repos/${report.target.repo.split('/').map(encodeURIComponent).join('/')}`;

/** The latest status of `context` on the commit (the combined status holds the latest of each context). */
async function latestStatus(report: StatusReport, authorization: string, http: ForgeHttp): Promise<GitHubStatus | undefined> {
  const wanted = report.context.toLowerCase();
  for (let page = 1; page <= STATUS_PAGES; page++) {
    const url = `${repoUrl(report)}/commits/${encodeURIComponent(report.target.commit)}/status?per_page=100&page=${page}`;
    const answer = (await forgeCall(http, { method: 'GET', url, headers: githubHeaders(authorization) })) as { statuses?: GitHubStatus[] } | undefined;
    const statuses = answer?.statuses ?? [];
    // Contexts are case-insensitive on GitHub.
    const found = statuses.find((s) => typeof s.context === 'string' && s.context.toLowerCase() === wanted);
    if (found !== undefined || statuses.length < 100) return found;
  }
  return undefined;
}

/** Sets the commit status `report.context`, unless the forge already shows exactly it. */
export async function githubStatus(report: StatusReport, authorization: string, http: ForgeHttp): Promise<Sent> {
  const description = cut(report.description, GITHUB_DESCRIPTION_LIMIT);
  const latest = await latestStatus(report, authorization, http);
  if (latest !== undefined && latest.state === report.state && (latest.description ?? '') === description && latest.target_url === report.target.targetUrl) {
    return 'unchanged';
  }
  await forgeCall(http, {
    method: 'POST',
    url: `${repoUrl(report)}/statuses/${encodeURIComponent(report.target.commit)}`,
    headers: githubHeaders(authorization),
    body: { state: report.state, target_url: report.target.targetUrl, description, context: report.context },
  });
  return 'sent';
}

/** The check run conclusion of a final state (`error` is a run cancelled or unable to run). */
export const CHECK_CONCLUSIONS: Readonly<Record<Exclude<ReportState, 'pending'>, string>> = { success: 'success', failure: 'failure', error: 'cancelled' };

/** The check run's `external_id`: the run (its page) and the context, so a re-run gets its own check run. */
export function checkRunExternalId(report: StatusReport): string {
  return `coflow-${createHash('sha256').update(`${report.target.targetUrl}\n${report.context}`).digest('hex').slice(0, 40)}`;
}

interface CheckRun {
  readonly id?: unknown;
  readonly external_id?: unknown;
  readonly status?: unknown;
  readonly conclusion?: unknown;
}

async function existingCheckRun(report: StatusReport, externalId: string, authorization: string, http: ForgeHttp): Promise<CheckRun | undefined> {
  const query = `check_name=${encodeURIComponent(report.context)}&filter=all&per_page=100`;
  const url = `${repoUrl(report)}/commits/${encodeURIComponent(report.target.commit)}/check-runs?${query}`;
  const answer = (await forgeCall(http, { method: 'GET', url, headers: githubHeaders(authorization) })) as { check_runs?: CheckRun[] } | undefined;
  return (answer?.check_runs ?? []).find((run) => run.external_id === externalId && typeof run.id === 'number');
}

/**
 * The App's check run for (run, context): created `in_progress` at `pending`,
 * completed with its conclusion at the end (created completed when the
 * pending one is missing). A finished check run is never reopened.
 */
export async function githubCheckRun(report: StatusReport, authorization: string, http: ForgeHttp): Promise<Sent> {
  const externalId = checkRunExternalId(report);
  const existing = await existingCheckRun(report, externalId, authorization, http);
  const title = cut(report.description, GITHUB_DESCRIPTION_LIMIT);
  const output = { title, summary: `${report.description}\n\n[The run in coflow](${report.target.targetUrl})` };
  const headers = githubHeaders(authorization);
  if (report.state === 'pending') {
    if (existing !== undefined) return 'unchanged';
    const body = { name: report.context, head_sha: report.target.commit, details_url: report.target.targetUrl, external_id: externalId, status: 'in_progress', output };
    await forgeCall(http, { method: 'POST', url: `${repoUrl(report)}/check-runs`, headers, body });
    return 'sent';
  }
  const conclusion = CHECK_CONCLUSIONS[report.state];
  if (existing !== undefined && existing.status === 'completed' && existing.conclusion === conclusion) return 'unchanged';
  const finished = { details_url: report.target.targetUrl, status: 'completed', conclusion, output };
  if (existing === undefined) {
    const body = { name: report.context, head_sha: report.target.commit, external_id: externalId, ...finished };
    await forgeCall(http, { method: 'POST', url: `${repoUrl(report)}/check-runs`, headers, body });
  } else {
    await forgeCall(http, { method: 'PATCH', url: `${repoUrl(report)}/check-runs/${String(existing.id)}`, headers, body: finished });
  }
  return 'sent';
}
