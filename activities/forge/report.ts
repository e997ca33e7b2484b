/**
 * The reporting activity (`ForgeReportActivities.reportStatus`): resolves the
 * token from the stored secret the target names (or, for a GitHub App, mints
 * an installation token from its private key), sends the report through the
 * forge's client and says what happened: `sent`, `unchanged` (the forge
 * already showed it) or `refused` (the forge's answer, for the run's
 * warnings). A forge that cannot take it now throws a retryable failure.
 * Tokens, private keys and JWTs are masked out of every message and log.
 */
import { log } from '@temporalio/activity';
import type { ForgeReportActivities, ReportOutcome, StatusReport } from '../../contracts/forge-report.ts';
import type { SecretResolver } from '../../contracts/secrets.ts';
import { InstallationTokens, type GitHubAppCredentials } from './github-app.ts';
import { githubCheckRun, githubStatus, type Sent } from './github.ts';
import { giteaStatus } from './gitea.ts';
import { gitlabStatus } from './gitlab.ts';
import { ForgeRefusal, type ForgeHttp } from './http.ts';

export interface ForgeReportDeps {
  /** Resolves the token and private key secrets the targets name. */
  readonly secrets?: SecretResolver;
  /** Bound of one HTTP request to a forge; default 30 s. */
  readonly timeoutMs?: number;
  /** The process's GitHub App installation tokens (one per worker process). */
  readonly installationTokens?: InstallationTokens;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Replaces each known secret value by `***`. */
function masker(values: string[]): (text: string) => string {
  return (text) => values.reduce((out, value) => (value === '' ? out : out.split(value).join('***')), text);
}

export function createForgeReportActivities(deps: ForgeReportDeps = {}): ForgeReportActivities {
  const tokens = deps.installationTokens ?? new InstallationTokens();
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function secret(name: string, what: string, hidden: string[]): Promise<string> {
    const value = await deps.secrets?.(name);
    if (value === undefined) throw new ForgeRefusal(0, `${what} secret ${name} is not defined (store, COFLOW_SECRET_${name} or COFLOW_SECRETS_FILE)`);
    hidden.push(value);
    return value;
  }

  /** Status and check run with the App's installation token; a token the forge no longer takes is replaced once. */
  async function asGitHubApp(report: StatusReport, http: ForgeHttp, hidden: string[]): Promise<Sent> {
    const { target } = report;
    const app = target.app!;
    const credentials: GitHubAppCredentials = { apiUrl: target.apiUrl, appId: app.id, privateKey: await secret(app.privateKeySecret, "the GitHub App's private key", hidden) };
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.token(credentials, target.repo, app.installationId, http, (jwt) => hidden.push(jwt));
      hidden.push(token);
      try {
        const status = await githubStatus(report, `Bearer ${token}`, http);
        const check = await githubCheckRun(report, `Bearer ${token}`, http);
        return status === 'sent' || check === 'sent' ? 'sent' : 'unchanged';
      } catch (err) {
        if (!(err instanceof ForgeRefusal && err.status === 401 && attempt === 1)) throw err;
        tokens.forget(credentials, app.installationId, target.repo);
      }
    }
  }

  async function send(report: StatusReport, http: ForgeHttp, hidden: string[]): Promise<Sent> {
    const { target } = report;
    if (target.app !== undefined) {
      if (target.forge !== 'github') throw new ForgeRefusal(0, `a GitHub App cannot report to ${target.forge}: give a token secret`);
      return asGitHubApp(report, http, hidden);
    }
    if (target.tokenSecret === undefined) throw new ForgeRefusal(0, `no token to report to ${target.forge} with: the trigger's report needs tokenSecret`);
    const token = await secret(target.tokenSecret, 'the token', hidden);
    switch (target.forge) {
      case 'github':
        return githubStatus(report, `Bearer ${token}`, http);
      case 'gitlab':
        return gitlabStatus(report, token, http);
      case 'gitea':
        return giteaStatus(report, token, http);
    }
  }

  async function reportStatus(given: StatusReport): Promise<ReportOutcome> {
    // One line, no edge spaces: forges show one line, and Gitea trims what it stores (the read-before-send compares like with like).
    const report: StatusReport = { ...given, description: given.description.replace(/\s+/g, ' ').trim() };
    const hidden: string[] = [];
    const mask = masker(hidden);
    const http: ForgeHttp = { timeoutMs, mask };
    const about = { forge: report.target.forge, repo: report.target.repo, commit: report.target.commit, context: report.context, state: report.state };
    try {
      const result = await send(report, http, hidden);
      log.info('forge status reported', { ...about, result });
      return { result };
    } catch (err) {
      if (!(err instanceof ForgeRefusal)) throw err;
      const answer = mask(err.answer);
      log.warn('forge refused the status', { ...about, status: err.status, answer });
      return { result: 'refused', status: err.status, answer };
    }
  }

  return { reportStatus };
}
