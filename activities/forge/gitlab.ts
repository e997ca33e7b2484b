/**
 * GitLab (gitlab.com and self-managed, `…/api/v4`): commit statuses through
 * the "set the pipeline status of a commit" API. coflow's `pending` is sent
 * as GitLab's `running` (it is reported when the run has started), `error`
 * as `canceled`. GitLab refuses to move a status to the state it already has
 * (400 "Cannot transition status via :run from :running"): such a report is
 * `unchanged`, read before sending or recognised in the answer.
 */
import type { ReportState, StatusReport } from '../../contracts/forge-report.ts';
import { forgeCall, ForgeRefusal, USER_AGENT, type ForgeHttp } from './http.ts';
import type { Sent } from './github.ts';

export const GITLAB_STATES: Readonly<Record<ReportState, string>> = { pending: 'running', success: 'success', failure: 'failed', error: 'canceled' };

interface GitLabStatus {
  readonly id?: unknown;
  readonly status?: unknown;
  readonly description?: unknown;
  readonly target_url?: unknown;
}

const projectUrl = (report: StatusReport): string => `${report.target.apiUrl}/projects/${encodeURIComponent(report.target.repo)}`;

/** The newest status named `context` on the commit (`all` left false: the latest of each pipeline). */
async function latestStatus(report: StatusReport, headers: Record<string, string>, http: ForgeHttp): Promise<GitLabStatus | undefined> {
  const url = `${projectUrl(report)}/repository/commits/${encodeURIComponent(report.target.commit)}/statuses?name=${encodeURIComponent(report.context)}&per_page=100`;
  const answer = (await forgeCall(http, { method: 'GET', url, headers })) as GitLabStatus[] | undefined;
  let latest: GitLabStatus | undefined;
  for (const status of Array.isArray(answer) ? answer : []) {
    if (latest === undefined || Number(status.id) > Number(latest.id)) latest = status;
  }
  return latest;
}

export async function gitlabStatus(report: StatusReport, token: string, http: ForgeHttp): Promise<Sent> {
  const headers = { 'PRIVATE-TOKEN': token, 'User-Agent': USER_AGENT };
  const state = GITLAB_STATES[report.state];
  const latest = await latestStatus(report, headers, http);
  if (latest?.status === state) {
    // An open status cannot be set to its own state; a finished one is the same report when it says the same.
    const open = state === 'running' || state === 'pending';
    if (open || ((latest.description ?? '') === report.description && latest.target_url === report.target.targetUrl)) return 'unchanged';
  }
  try {
    await forgeCall(http, {
      method: 'POST',
      url: `${projectUrl(report)}/statuses/${encodeURIComponent(report.target.commit)}`,
      headers,
      body: { state, name: report.context, target_url: report.target.targetUrl, description: report.description },
    });
  } catch (err) {
    if (err instanceof ForgeRefusal && err.status === 400 && /cannot transition status/i.test(err.answer)) return 'unchanged';
    throw err;
  }
  return 'sent';
}
