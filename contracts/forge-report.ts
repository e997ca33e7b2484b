/**
 * Commit statuses reported back to a forge (docs/forges.md): where a run
 * reports (resolved once, when the run is prepared, from the flow's trigger
 * and the event or the `--commit`/`--repo` of a manual run; a re-run keeps
 * its original's), what one report says, and the activity that sends it.
 * Pure data; travels in the run's input and in activity calls.
 */
import type { ReportForge } from '../flow/model.ts';

/** The states coflow reports: `error` is a run cancelled or unable to run. */
export const REPORT_STATES = ['pending', 'success', 'failure', 'error'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** Where and how a run reports. */
export interface ReportTarget {
  readonly forge: ReportForge;
  /** API base URL, defaults resolved (`https://api.github.com`, `https://gitlab.com/api/v4`, Gitea's `…/api/v1`), no trailing slash. */
  readonly apiUrl: string;
  /** `owner/name` (GitLab: the project's full path, `group/subgroup/name`). */
  readonly repo: string;
  /** The commit (full SHA) the statuses are set on: the pushed head, or the pull request's head. */
  readonly commit: string;
  /** The stored secret holding the API token. */
  readonly tokenSecret?: string;
  /** GitHub App: id, private key secret, and the installation when the event named it (else looked up by repository). */
  readonly app?: { readonly id: string; readonly privateKeySecret: string; readonly installationId?: number };
  /** The flow's status name (`coflow/<flow uri>` unless the trigger sets `context:`). */
  readonly context: string;
  /** Also one status per stage, `<context>/<stage>`. */
  readonly perStage: boolean;
  /** The run's page in the web UI (COFLOW_PUBLIC_URL, else the API's own address). */
  readonly targetUrl: string;
}

/** One status to set: the forge's latest for (commit, context) becomes this. */
export interface StatusReport {
  readonly target: ReportTarget;
  /** `target.context`, or `<context>/<stage>` for a stage. */
  readonly context: string;
  readonly state: ReportState;
  /** One line for the forge's list (e.g. "run test/app/ci#12 succeeded in 1m 4s"); forges cap it (GitHub 140 chars). */
  readonly description: string;
}

/** What happened to one report. */
export type ReportOutcome =
  /** Set now. */
  | { readonly result: 'sent' }
  /** The forge already showed exactly this (a retry after a crash, a replay): nothing sent. */
  | { readonly result: 'unchanged' }
  /** The forge refused it for good (bad token, no access, unknown commit): the forge's answer, for the run's warnings. */
  | { readonly result: 'refused'; readonly status: number; readonly answer: string };

/**
 * The activity the reporting workflow calls. A forge that cannot be reached
 * or answers 5xx/429 throws (retried with backoff); a refusal (401, 403,
 * 404, 422) is returned, never retried. Tokens are never logged.
 */
export interface ForgeReportActivities {
  reportStatus(report: StatusReport): Promise<ReportOutcome>;
}

/** One state change the run tells its reporter (workflows/report.ts): the latest per context wins. */
export interface ReportUpdate {
  readonly context: string;
  readonly state: ReportState;
  readonly description: string;
  /** The run's own final state: the reporter ends once it has sent (or given up on) everything up to this. */
  readonly final?: boolean;
}

/** The reporting workflow's input: where to report, and the run's first update (its `pending`). */
export interface ReportRunInput {
  readonly runId: string;
  readonly target: ReportTarget;
  readonly first: ReportUpdate;
}

/** What the reporting workflow did; its warnings are also in its memo (`warnings`), read with the run. */
export interface ReportRunResult {
  readonly sent: number;
  /** Updates skipped because a later state of the same context came before they could be sent. */
  readonly superseded: number;
  /** Refusals and give-ups, as the run shows them. */
  readonly warnings: readonly string[];
}

/** The reporting workflow of a run: one per run. */
export function reportWorkflowId(runId: string): string {
  return `${runId}/report`;
}

/** The memo key under which the reporting workflow keeps its warnings (a run that ended before a refusal shows them from here). */
export const REPORT_WARNINGS_MEMO = 'warnings';
