import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EnvironmentsSpec } from './environments.ts';
import { validateFlow } from './parse.ts';
import { parseEnvironments } from './parse-environments.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

const ENVIRONMENTS: EnvironmentsSpec = parseEnvironments(yaml(
  'namespace: acme',
  'environments:',
  '  - { name: dev, tier: development, kubernetes: { namespace: shop-dev } }',
  '  - name: prod',
  '    tier: production',
  '    kubernetes: { namespace: shop-prod }',
  '    protection: { approvers: [alice, "role:admin"], branches: [main, "release/*"] }',
)).spec;

const MANIFEST = '"apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: c }"';

/** A flow: triggers (lines 2…), then a build stage, an optional gate, and a stage deploying to `target` (its environment on the last line). */
function flow(triggers: string[], gate: string[], target: string): string {
  return yaml(
    'uri: acme/shop/ci',
    ...(triggers.length > 0 ? ['triggers:', ...triggers.map((t) => `  - ${t}`)] : []),
    'stages:',
    '  - { name: build, actions: [ { name: a, jobs: [ { endpoint: alpine } ] } ] }',
    ...gate,
    '  - name: ship',
    '    actions:',
    '      - name: a',
    '        jobs:',
    `          - { type: deploy, deploy: { manifest: ${MANIFEST}, environment: ${target} } }`,
  );
}

function check(text: string, environments: EnvironmentsSpec | null | undefined): { issues: string[]; warnings: string[] } {
  const r = validateFlow(text, { environments });
  const show = (i: { line: number; column: number; message: string }): string => `${i.line}:${i.column} ${i.message}`;
  return { issues: r.ok ? [] : r.issues.map(show), warnings: r.warnings.map(show) };
}

const GOOD_GATE = ['  - { name: approve, type: pause, approval: { approvers: [alice] } }'];
const PUSH_MAIN = 'github: { secret: HOOK, events: [push], branches: [main, release/1.x] }';

describe('deploy targets against the namespace environments', () => {
  it('accepts a protected deployment behind a gate of its approvers, from covered branches', () => {
    expect(check(flow([PUSH_MAIN, 'schedule: { cron: "0 3 * * *" }'], GOOD_GATE, 'prod'), ENVIRONMENTS)).toEqual({ issues: [], warnings: [] });
    expect(check(flow(['gitlab: { secret: HOOK, events: [push], tags: ["v*"] }'], [], 'dev'), ENVIRONMENTS)).toEqual({ issues: [], warnings: [] });
  });

  it('reports an unknown environment with a hint, and a namespace without environments', () => {
    expect(check(flow([], [], 'prd'), ENVIRONMENTS).issues).toEqual([
      '8:120 unknown environment "prd"; did you mean "prod"? (namespace "acme" declares dev or prod)',
    ]);
    expect(check(flow([], [], 'dev'), null).issues).toEqual([
      '8:120 namespace "acme" has no environments file: apply one first (coflow environments apply FILE) declaring "dev"',
    ]);
    expect(check(flow([], [], 'dev'), undefined)).toEqual({
      issues: [],
      warnings: ['8:120 deploy targets are not checked here: the namespace\'s environments are known only to the server (validate through the API)'],
    });
  });

  it('refuses triggers that fire for other branches, naming their line', () => {
    const triggers = ['github: { secret: HOOK, events: [push] }', 'gitea: { secret: HOOK, events: [push], branches: ["feature/*", "!feature/x"] }', 'webhook: { secret: HOOK, branches: [main] }'];
    expect(check(flow(triggers, GOOD_GATE, 'prod'), ENVIRONMENTS).issues).toEqual([
      '13:120 environment "prod" accepts deployments from branches main, release/* only, but the github trigger on line 3 has no "branches:" filter, so it fires for every branch',
      '13:120 environment "prod" accepts deployments from branches main, release/* only, but the gitea trigger on line 4 fires for branches feature/*, not all covered',
      '13:120 environment "prod" accepts deployments from branches main, release/* only, but the webhook trigger on line 5 fires on pull requests (their code is not yet on the branch); list "events: [push]"',
    ]);
  });

  it('refuses an approver-protected deployment without a gate, or behind a gate others may pass', () => {
    expect(check(flow([], [], 'prod'), ENVIRONMENTS).issues).toEqual([
      '8:120 environment "prod" needs an approval by alice, role:admin: add a pause stage before this job\'s stage with approval: { approvers: [...] } chosen among them',
    ]);
    expect(check(flow([], ['  - { name: approve, type: pause }'], 'prod'), ENVIRONMENTS).issues).toEqual([
      '9:120 environment "prod" needs an approval by alice, role:admin, but the pause stage "approve" before it lets any operator approve; limit its approvers to alice, role:admin',
    ]);
    expect(check(flow([], ['  - { name: approve, type: pause, approval: { approvers: [alice, bob] } }'], 'prod'), ENVIRONMENTS).issues).toEqual([
      '9:120 environment "prod" needs an approval by alice, role:admin, but the pause stage "approve" before it lets bob approve; limit its approvers to alice, role:admin',
    ]);
  });

  it('checks deployment marks like deploy jobs', () => {
    const text = yaml(
      'uri: acme/shop/ci',
      'stages:',
      '  - { name: s, actions: [ { name: a, jobs: [ { endpoint: kubectl, deployment: { environment: stage } } ] } ] }',
    );
    expect(check(text, ENVIRONMENTS).issues).toEqual(['3:94 unknown environment "stage" (namespace "acme" declares dev or prod)']);
  });
});

describe('docs/deploy-jobs.md', () => {
  it('has an environments file and an example flow that validate together, without warnings', () => {
    const doc = readFileSync(join(import.meta.dirname, '../docs/deploy-jobs.md'), 'utf8');
    const firstYaml = (from: string): string => /```yaml\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf(from)))?.[1] ?? '';
    const { spec, warnings } = parseEnvironments(firstYaml('## The environments file'));
    expect(warnings).toEqual([]);
    expect(check(firstYaml('## A complete example'), spec)).toEqual({ issues: [], warnings: [] });
  });
});
