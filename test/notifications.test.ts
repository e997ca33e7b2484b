/**
 * Notifications as a user meets them: a flow with `receivers:` applied
 * through the API, run on the docker runner by the platform as `coflow dev`
 * assembles it (its SMTP settings, its own address as the run link), and
 * real receivers on loopback: an SMTP server and a webhook endpoint. The
 * link in the mail is followed, as a person would click it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from './support/eventually.ts';
import { applyAndRun, startHarness, type Harness } from './support/harness.ts';
import { signatureVerifies, startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from './support/receivers.ts';

const HOOK_KEY = 'whsec-e2e-3c9a71';
let h: Harness;
let http: HttpReceiver;
let smtp: SmtpSink;

beforeAll(async () => {
  [http, smtp] = await Promise.all([startHttpReceiver(), startSmtpSink()]);
  h = await startHarness({
    secrets: { HOOK_KEY },
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: smtp.user, password: smtp.password, from: 'coflow <ci@example.test>' },
  });
});
afterAll(async () => {
  await h?.stop();
  await Promise.all([http?.close(), smtp?.close()]);
});

it('a run through the API mails its link (which opens the run) and signs its webhook deliveries', async () => {
  const run = await applyAndRun(h.api, `
uri: test/notify/e2e
receivers:
  - { type: mail, address: dev@example.test, on: [success] }
  - { type: webhook, address: "${http.url}/hook", secret: HOOK_KEY, on: [start, finish] }
stages:
  - name: build
    actions:
      - name: compile
        jobs:
          - { name: make, endpoint: coflow/shell:1.0.0, script: "echo built" }
`);
  expect(run.state).toBe('succeeded');

  const mail = await eventually('mail', () => smtp.mails.find((m) => m.raw.includes(run.runId)));
  expect(mail.to).toEqual(['dev@example.test']);
  expect(mail.header('Subject')).toBe(`Run ${run.runId} succeeded`);
  // The link is the run's page in the web UI (test/browser/ checks what the page shows).
  const link = `${h.platform.apiUrl}/runs/test/notify/e2e/1`;
  expect(mail.text).toContain(link);
  const opened = await fetch(link);
  expect(opened.status).toBe(200);
  expect(await opened.text()).toContain('<div id="app">');

  const hooks = await eventually('two webhook deliveries', () => {
    const got = http.requests.filter((r) => r.path === '/hook');
    return got.length >= 2 ? got : undefined;
  });
  expect(hooks.map((r) => r.headers['x-coflow-event']).sort()).toEqual(['start', 'success']);
  for (const r of hooks) expect(signatureVerifies(HOOK_KEY, r.body, r.headers['x-coflow-signature'])).toBe(true);
});
