import { describe, expect, it } from 'vitest';
import type { RunNotice } from '../contracts/notifications.ts';
import { deliveryIdOf, notifyWorkflowId, wants } from '../contracts/notifications.ts';
import { messageIdOf } from './notify-mail.ts';
import { noticeText, runLink, slackMessage, webhookBody } from './notify-message.ts';

const notice: RunNotice = { event: 'failure', runId: 'acme/shop/ci#7', flowUri: 'acme/shop/ci', number: 7, state: 'failed', at: '2026-12-01T10:00:00.000Z', error: 'job build.a.b failed: exit 2 <stderr>' };

describe('notification messages', () => {
  it('links to the run under the public URL', () => {
    expect(runLink('https://ci.example.com/', notice)).toBe('https://ci.example.com/runs/acme/shop/ci/7');
    expect(noticeText(notice, 'L')).toBe('Run acme/shop/ci#7 failed\nError: job build.a.b failed: exit 2 <stderr>\nAt: 2026-12-01T10:00:00.000Z\nRun: L');
  });

  it('escapes Slack mrkdwn and keeps webhook bodies byte-stable', () => {
    expect(JSON.parse(slackMessage(notice, 'https://x/r'))).toEqual({ text: '<https://x/r|Run acme/shop/ci#7 failed>\njob build.a.b failed: exit 2 &lt;stderr&gt;' });
    expect(webhookBody(notice, 'https://x/r', 'd1')).toBe(webhookBody({ ...notice }, 'https://x/r', 'd1'));
    expect(JSON.parse(webhookBody({ ...notice, event: 'approval', stage: 'release', state: 'waiting' }, 'u', 'd'))).toMatchObject({ event: 'approval', stage: 'release', run: { state: 'waiting', url: 'u' } });
  });

  it('names one notification per occurrence and one delivery per receiver', () => {
    expect(notifyWorkflowId({ runId: 'a/b/c#1', event: 'cancel' })).toBe('a/b/c#1/notify/end');
    expect(notifyWorkflowId({ runId: 'a/b/c#1', event: 'approval', stage: 'gate' })).toBe('a/b/c#1/notify/approval/gate');
    expect(deliveryIdOf('a/b/c#1/notify/end', 2)).toBe('a/b/c#1/notify/end/2');
    expect(messageIdOf('a/b/c#1/notify/end/2')).toBe(messageIdOf('a/b/c#1/notify/end/2'));
    expect(messageIdOf('a/b/c#1/notify/end/2')).not.toBe(messageIdOf('a/b/c#1/notify/end/3'));
  });

  it('matches `finish` to every end and nothing else', () => {
    const r = { type: 'slack' as const, address: 'x', on: ['finish' as const] };
    expect(['start', 'success', 'failure', 'cancel', 'approval'].filter((e) => wants(r, e as RunNotice['event']))).toEqual(['success', 'failure', 'cancel']);
  });
});
