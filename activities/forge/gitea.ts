/**
 * Gitea (and Forgejo, `…/api/v1`): commit statuses. The latest status of each
 * context is read from the commit's combined status first; a report that
 * would repeat it is `unchanged`. Gitea trims the context, description and
 * target URL it stores (models/git/commit_status.go): compared trimmed.
 */
import type { StatusReport } from '../../contracts/forge-report.ts';
import { forgeCall, USER_AGENT, type ForgeHttp } from './http.ts';
import { repoUrl, type Sent } from './github.ts';

/** Gitea's largest page (`[api] MAX_RESPONSE_ITEMS`, default 50). */
const PAGE = 50;
const PAGES = 10;

interface GiteaStatus {
  readonly context?: unknown;
  /** Gitea names a status's state `status` in its answers. */
  readonly status?: unknown;
  readonly state?: unknown;
  readonly description?: unknown;
  readonly target_url?: unknown;
}

async function latestStatus(report: StatusReport, headers: Record<string, string>, http: ForgeHttp): Promise<GiteaStatus | undefined> {
  for (let page = 1; page <= PAGES; page++) {
    const url = `${repoUrl(report)}/commits/${encodeURIComponent(report.target.commit)}/status?page=${page}&limit=${PAGE}`;
    const answer = (await forgeCall(http, { method: 'GET', url, headers })) as { statuses?: GiteaStatus[] | null } | undefined;
    const statuses = answer?.statuses ?? [];
    const found = statuses.find((s) => s.context === report.context.trim());
    if (found !== undefined || statuses.length < PAGE) return found;
  }
  return undefined;
}

export async function giteaStatus(report: StatusReport, token: string, http: ForgeHttp): Promise<Sent> {
  const headers = { Authorization: `token ${token}`, Accept: 'application/json', 'User-Agent': USER_AGENT };
  const latest = await latestStatus(report, headers, http);
  const state = latest?.status ?? latest?.state;
  if (latest !== undefined && state === report.state && (latest.description ?? '') === report.description && latest.target_url === report.target.targetUrl.trim()) return 'unchanged';
  await forgeCall(http, {
    method: 'POST',
    url: `${repoUrl(report)}/statuses/${encodeURIComponent(report.target.commit)}`,
    headers,
    body: { state: report.state, target_url: report.target.targetUrl, description: report.description, context: report.context },
  });
  return 'sent';
}
