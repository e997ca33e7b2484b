/**
 * Notifications (`receivers:`) from real runs on the real Temporal dev server
 * to real receivers on loopback: an SMTP server (smtp-server) and HTTP
 * servers standing in for a Slack incoming webhook and a generic webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { NOTIFY_WORKFLOW } from '../../contracts/workflows.ts';
import { signatureVerifies, startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from '../support/receivers.ts';
import { startWorkflowHarness, until, type WorkflowHarness } from './support.ts';

const PUBLIC_URL = 'https://coflow.example.test';
const SECRETS: Record<string, string> = { HOOK_KEY: 'whsec-5f1c0e2a', HOOK_TOKEN: 'T0KEN-in-the-path-8d3b', OPS_MAIL: 'ops@example.test' };

let h: WorkflowHarness;
let http: HttpReceiver;
let smtp: SmtpSink;
beforeAll(async () => {
  [http, smtp] = await Promise.all([startHttpReceiver(), startSmtpSink()]);
  h = await startWorkflowHarness('notify', {
    secrets: (name) => Promise.resolve(SECRETS[name]),
    publicUrl: () => PUBLIC_URL,
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: smtp.user, password: smtp.password, from: 'coflow <ci@example.test>' },
  });
});
afterAll(async () => {
  await h?.stop();
  await Promise.all([http?.close(), smtp?.close()]);
});

const requestsTo = (path: string) => http.requests.filter((r) => r.path === path);

describe('notifications', () => {
  it('mails with the run link, signs webhooks, posts to Slack, and tells each receiver only its events', async () => {
    const input = h.input(`
uri: test/wf/notify-success
receivers:
  - { type: mail, address: "\${{ secrets.OPS_MAIL }}", on: [success] }
  - { type: mail, address: quiet@example.test }
  - { type: webhook, address: "${http.url}/hook", secret: HOOK_KEY, on: [start, finish] }
  - { type: slack, address: "${http.url}/slack", on: [success] }
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0 } ] } ] }
`);
    const run = await h.run(input);
    expect(run.state).toBe('succeeded');
    const link = `${PUBLIC_URL}/runs/${input.flow.uri}/1`;

    const mail = await eventually('mail', () => smtp.mails.find((m) => m.raw.includes(input.runId)));
    expect(mail.to).toEqual(['ops@example.test']);
    expect(mail.header('Subject')).toBe(`Run ${input.runId} succeeded`);
    expect(mail.text).toContain(`Run: ${link}`);
    expect(mail.header('X-Coflow-Delivery')).toBe(`${input.runId}/notify/end/0`);
    expect(mail.header('Message-ID')).toMatch(/^<[0-9a-f]{40}@coflow>$/);

    const hooks = await eventually('two webhook deliveries', () => (requestsTo('/hook').length >= 2 ? requestsTo('/hook') : undefined));
    expect(hooks.map((r) => r.headers['x-coflow-event']).sort()).toEqual(['start', 'success']);
    for (const r of hooks) {
      const event = String(r.headers['x-coflow-event']);
      expect(signatureVerifies(SECRETS.HOOK_KEY!, r.body, r.headers['x-coflow-signature'])).toBe(true);
      expect(signatureVerifies('another-key', r.body, r.headers['x-coflow-signature'])).toBe(false);
      expect(r.headers['x-coflow-delivery']).toBe(`${input.runId}/notify/${event === 'start' ? 'start' : 'end'}/2`);
      expect(JSON.parse(r.body)).toMatchObject({ event, run: { id: input.runId, url: link, state: event === 'start' ? 'running' : 'succeeded' } });
    }

    const slack = await eventually('slack message', () => requestsTo('/slack')[0]);
    expect(JSON.parse(slack.body)).toEqual({ text: `<${link}|Run ${input.runId} succeeded>` });

    // The mail receiver with the default events (failure, approval) heard nothing of a success.
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails.filter((m) => m.to.includes('quiet@example.test'))).toEqual([]);
  });

  it('retries a receiver that answers 500 twice: one accepted delivery, one delivery id, the run not held; the secret in its address masked', async () => {
    http.answer(`/flaky/${SECRETS.HOOK_TOKEN}`, [500, 500, 200]);
    const input = h.input(`
uri: test/wf/notify-flaky
receivers:
  - { type: webhook, address: "${http.url}/flaky/\${{ secrets.HOOK_TOKEN }}", secret: HOOK_KEY, on: [failure] }
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0 } ] } ] }
`);
    const run = await h.run(input, { 'build.a.b': { lines: ['compile error'], exitCode: 2 } });
    const runReturned = Date.now();
    expect(run.state).toBe('failed');

    const path = `/flaky/${SECRETS.HOOK_TOKEN}`;
    const accepted = await eventually('accepted delivery', () => requestsTo(path).find((r) => r.status === 200));
    // The run returned before its receiver accepted (retries after 1 s and 2 s): it was not held.
    expect(accepted.at - runReturned).toBeGreaterThan(1_500);
    await new Promise((r) => setTimeout(r, 1_500));
    const seen = requestsTo(path);
    expect(seen.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(seen.map((r) => r.headers['x-coflow-delivery']))).toEqual(new Set([`${input.runId}/notify/end/0`]));
    expect(new Set(seen.map((r) => r.body)).size).toBe(1);
    expect(seen.every((r) => signatureVerifies(SECRETS.HOOK_KEY!, r.body, r.headers['x-coflow-signature']))).toBe(true);
    expect(JSON.parse(accepted.body)).toMatchObject({ event: 'failure', run: { state: 'failed' } });
    expect(accepted.body).toContain('job build.a.b failed');

    // What Temporal keeps of the notification (its input, the failed attempts' errors) names the secret only masked.
    const notification = h.env.client.workflow.getHandle(`${input.runId}/notify/end`);
    const description = await notification.describe();
    expect(description.type).toBe(NOTIFY_WORKFLOW);
    expect(description.status.name).toBe('COMPLETED');
    const history = JSON.stringify(await notification.fetchHistory());
    expect(history).toContain('answered 500');
    expect(history).toContain('/flaky/***');
    expect(history).not.toContain(SECRETS.HOOK_TOKEN);
  });

  it('tells of a gate waiting for approval and of a cancelled run', async () => {
    const input = h.input(`
uri: test/wf/notify-gate
receivers:
  - { type: webhook, address: "${http.url}/gate", secret: HOOK_KEY, on: [approval, cancel] }
stages:
  - { type: pause, name: release }
  - { name: deploy, actions: [ { name: a, jobs: [ { name: d, endpoint: coflow/shell:1.0.0 } ] } ] }
`);
    const handle = await h.start(input);
    await until(handle, 'waiting', (s) => s.state === 'waiting');
    const approval = await eventually('approval notice', () => requestsTo('/gate')[0]);
    expect(approval.headers['x-coflow-event']).toBe('approval');
    expect(JSON.parse(approval.body)).toMatchObject({ event: 'approval', stage: 'release', run: { state: 'waiting' } });
    await handle.cancel();
    expect((await handle.result()).state).toBe('cancelled');
    const cancelled = await eventually('cancel notice', () => requestsTo('/gate')[1]);
    expect(JSON.parse(cancelled.body)).toMatchObject({ event: 'cancel', run: { state: 'cancelled' } });
  });

  it('keeps a notification across a worker restart until the receiver is back', async () => {
    http.answer('/down', [503]);
    const input = h.input(`
uri: test/wf/notify-restart
receivers:
  - { type: slack, address: "${http.url}/down", on: [start] }
stages:
  - { name: build, actions: [ { name: a, jobs: [ { name: b, endpoint: coflow/shell:1.0.0 } ] } ] }
`);
    expect((await h.run(input)).state).toBe('succeeded');
    await eventually('a refused attempt', () => requestsTo('/down')[0]);
    await h.restartWorker();
    http.answer('/down', [200]);
    await eventually('the delivery after the restart', () => requestsTo('/down').find((r) => r.status === 200));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(requestsTo('/down').filter((r) => r.status === 200)).toHaveLength(1);
  });
});
