import { describe, expect, it } from 'vitest';
import { parseFlow, validateFlow } from './parse.ts';

const flow = (receivers: string): string => `uri: a/b/c
receivers:
${receivers}
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: j, endpoint: "x:1" } ] } ]
`;

/** `line:column path: message` of every issue. */
function problems(text: string): string[] {
  const result = validateFlow(text);
  if (result.ok) throw new Error('expected the flow to be rejected');
  return result.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

describe('receivers in the model', () => {
  it('carries each receiver; one without `on` hears of failures and approvals', () => {
    const spec = parseFlow(flow(`  - { type: mail, address: ops@example.com }
  - { type: slack, address: "\${{ secrets.SLACK_URL }}", on: [failure, finish, failure] }
  - { type: webhook, address: "https://hooks.example.com/coflow?t=\${{ secrets.T }}", secret: notify-key, on: start }`));
    expect(spec.receivers).toEqual([
      { type: 'mail', address: 'ops@example.com', on: ['failure', 'approval', 'deployment'] },
      { type: 'slack', address: '${{ secrets.SLACK_URL }}', on: ['failure', 'finish'] },
      { type: 'webhook', address: 'https://hooks.example.com/coflow?t=${{ secrets.T }}', on: ['start'], secret: 'notify-key' },
    ]);
    expect(parseFlow(flow('  []')).receivers).toBeUndefined();
  });

  it('refuses what it could not deliver, at its line:column', () => {
    expect(
      problems(
        flow(`  - { type: sms, address: "+3212345678" }
  - { type: webhook, address: "https://example.com/hook" }
  - { type: slack, address: "https://hooks.slack.com/x", secret: k }
  - { type: mail, address: "not-an-address" }
  - { type: slack, address: "ftp://example.com/x" }
  - { type: webhook, address: "https://example.com/\${{ run.id }}", secret: k }
  - { type: mail, address: ops@example.com, on: [] }`),
      ),
    ).toEqual([
      '3:13 receivers[0].type: must be one of slack, webhook, mail, got "sms"',
      '4:5 receivers[1].secret: a webhook receiver needs a "secret" (the name of the secret that signs its deliveries)',
      '5:66 receivers[2].secret: only a webhook receiver takes a "secret" (a slack receiver is not signed)',
      '6:28 receivers[3].address: "not-an-address" is not a mail address',
      '7:29 receivers[4].address: "ftp://example.com/x" is not an http:// or https:// URL',
      '8:31 receivers[5].address: a receiver\'s address may only read secrets (${{ secrets.NAME }}), got ${{ run.id }}',
      '9:49 receivers[6].on: name at least one event: start, success, failure, cancel, approval, finish, deployment',
    ]);
  });

  it('accepts the ContainerOps mail receiver as written', () => {
    const spec = parseFlow(flow('  -\n    type: mail\n    address: wangqilin@containerops.sh'));
    expect(spec.receivers).toEqual([{ type: 'mail', address: 'wangqilin@containerops.sh', on: ['failure', 'approval', 'deployment'] }]);
  });
});
