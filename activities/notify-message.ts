/**
 * What a notification says, per receiver type: the subject and text of a
 * mail, the JSON of a Slack message and of a signed webhook delivery. Pure
 * and deterministic (no clock): a retried delivery sends the same bytes.
 */
import type { RunEvent, RunNotice } from '../contracts/notifications.ts';

const HEADLINES: Readonly<Record<RunEvent, string>> = {
  start: 'started',
  success: 'succeeded',
  failure: 'failed',
  cancel: 'was cancelled',
  approval: 'waits for approval',
  deployment: 'deployed',
};

/** Where a person reads the run: its page in the web UI under the public base URL (programs use the API with the run id). */
export function runLink(publicUrl: string, notice: Pick<RunNotice, 'flowUri' | 'number'>): string {
  const path = notice.flowUri.split('/').map(encodeURIComponent).join('/');
  return `${publicUrl.replace(/\/+$/, '')}/runs/${path}/${notice.number}`;
}

/** `Run demo/hello/ci#3 failed`, `… waits for approval at stage release`. */
export function headline(notice: RunNotice): string {
  const d = notice.deployment;
  if (notice.event === 'deployment' && d !== undefined) {
    const what = d.kind === 'rollback' ? `Rollback of ${d.application}` : `Deployment of ${d.application}`;
    return `${what} to ${d.environment} ${d.result} (deployment ${d.id}, run ${notice.runId}${d.jobPath ? ` job ${d.jobPath}` : ''})`;
  }
  const at = notice.event === 'approval' && notice.stage !== undefined ? ` at stage ${notice.stage}` : '';
  return `Run ${notice.runId} ${HEADLINES[notice.event]}${at}`;
}

/** The plain-text body: headline, error, who started it, the link. */
export function noticeText(notice: RunNotice, link: string): string {
  return [
    headline(notice),
    ...(notice.error === undefined ? [] : [`Error: ${notice.error}`]),
    ...deploymentLines(notice),
    ...(notice.triggeredBy === undefined ? [] : [`Started by: ${notice.triggeredBy}`]),
    `At: ${notice.at}`,
    `Run: ${link}`,
  ].join('\n');
}

/** What a deployment notice adds: what shipped, from which commit, by whom, and why it failed. */
function deploymentLines(notice: RunNotice): string[] {
  const d = notice.deployment;
  if (d === undefined) return [];
  return [
    ...(d.images.length > 0 ? [`Images: ${d.images.join(', ')}`] : []),
    ...(d.commit === undefined ? [] : [`Commit: ${d.commit}`]),
    ...(d.user === undefined ? [] : [`By: ${d.user}`]),
    ...(d.reason === undefined ? [] : [`Reason: ${d.reason}`]),
  ];
}

/** A Slack incoming-webhook message (`text` with mrkdwn: `<url|label>` links; `&`, `<`, `>` escaped). */
export function slackMessage(notice: RunNotice, link: string): string {
  const esc = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const lines = [`<${link}|${esc(headline(notice))}>`, ...(notice.error === undefined ? [] : [esc(notice.error)]), ...deploymentLines(notice).map(esc)];
  return JSON.stringify({ text: lines.join('\n') });
}

/** The body of a generic webhook delivery (signed by the caller). */
export function webhookBody(notice: RunNotice, link: string, deliveryId: string): string {
  return JSON.stringify({
    delivery: deliveryId,
    event: notice.event,
    at: notice.at,
    run: {
      id: notice.runId,
      flow: notice.flowUri,
      number: notice.number,
      state: notice.state,
      url: link,
      ...(notice.error === undefined ? {} : { error: notice.error }),
      ...(notice.triggeredBy === undefined ? {} : { triggeredBy: notice.triggeredBy }),
    },
    ...(notice.stage === undefined ? {} : { stage: notice.stage }),
    ...(notice.deployment === undefined ? {} : { deployment: notice.deployment }),
  });
}
