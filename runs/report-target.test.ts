import { describe, expect, it } from 'vitest';
import { parseFlow } from '../flow/index.ts';
import type { HookTrigger } from '../flow/model.ts';
import { ReportRequestError } from './errors.ts';
import { eventReportRequest, resolveReportTarget } from './report-target.ts';

const flow = parseFlow(`uri: acme/shop/ci
triggers:
  - github: { secret: s, branches: [release] }
  - github: { secret: s, report: { app: { id: 7, privateKey: app-key } } }
  - gitlab: { secret: s, report: { token: gl, stages: true } }
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: "x:1" } ] } ] }
`);
const hooks = (flow.triggers ?? []) as HookTrigger[];
const SHA = 'a'.repeat(40);

describe('where a run reports', () => {
  it('a webhook run: the first matched trigger with report:, defaults filled in, the App installation from the payload', () => {
    const request = eventReportRequest(hooks.slice(0, 2), SHA, 'acme/shop', { installation: { id: 42 } }, 'https://ci.example.com/');
    expect(resolveReportTarget(flow, 12, request!)).toEqual({
      forge: 'github',
      apiUrl: 'https://api.github.com',
      repo: 'acme/shop',
      commit: SHA,
      app: { id: '7', privateKeySecret: 'app-key', installationId: 42 },
      context: 'coflow/acme/shop/ci',
      perStage: false,
      targetUrl: 'https://ci.example.com/runs/acme/shop/ci/12',
    });
    expect(resolveReportTarget(flow, 1, eventReportRequest([hooks[2]!], SHA, 'group/sub/shop', undefined, 'http://h')!)).toMatchObject({ forge: 'gitlab', apiUrl: 'https://gitlab.com/api/v4', repo: 'group/sub/shop', tokenSecret: 'gl', perStage: true });
  });

  it('no report: when the matched trigger has none or the event names no commit', () => {
    expect(eventReportRequest(hooks.slice(0, 1), SHA, 'acme/shop', undefined, 'http://h')).toBeUndefined();
    expect(eventReportRequest(hooks, undefined, 'acme/shop', undefined, 'http://h')).toBeUndefined();
  });

  it('a manual run: the connection of the flow\'s trigger of that forge, or a clear refusal', () => {
    expect(resolveReportTarget(flow, 3, { from: 'manual', repo: 'gitlab:group/shop', commit: SHA.toUpperCase(), pageBase: 'http://h' })).toMatchObject({ forge: 'gitlab', repo: 'group/shop', commit: SHA, targetUrl: 'http://h/runs/acme/shop/ci/3' });
    const refusal = (repo: string, commit = SHA): string => {
      try {
        resolveReportTarget(flow, 1, { from: 'manual', repo, commit, pageBase: 'http://h' });
      } catch (err) {
        if (err instanceof ReportRequestError) return err.message;
      }
      return 'accepted';
    };
    expect(refusal('gitea:acme/shop')).toBe('flow acme/shop/ci has no gitea trigger to take the report connection from');
    expect(refusal('bitbucket:acme/shop')).toMatch(/^repo must be FORGE:OWNER\/NAME/);
    expect(refusal('github:acme/shop', 'abc123')).toBe('commit must be a full commit SHA (40 hex digits), got "abc123"');
  });
});
