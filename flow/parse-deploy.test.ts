import { describe, expect, it } from 'vitest';
import type { FlowIssue } from './errors.ts';
import { allJobs } from './model.ts';
import { parseFlow, validateFlow } from './parse.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
// One stage, one action; job lines start on line 7.
const oneAction = (...jobLines: string[]): string =>
  yaml('uri: acme/shop/ci', 'stages:', '  - name: ship', '    actions:', '      - name: deploy', '        jobs:', ...jobLines.map((l) => `          ${l}`));

function issues(text: string): string[] {
  const result = validateFlow(text);
  if (result.ok) throw new Error('expected the flow to be rejected');
  return result.issues.map((i: FlowIssue) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

const J = 'stages[0].actions[0].jobs[0]';

describe('deploy jobs', () => {
  it('reads an inline rolling deployment with its defaults, and a blue-green and a canary one', () => {
    const flow = parseFlow(
      oneAction(
        '- name: dev',
        '  type: deploy',
        '  timeout: 5m',
        '  onFailure: rollback',
        '  if: "run.number > 0"',
        '  deploy:',
        '    environment: dev',
        '    manifest: |',
        '      apiVersion: apps/v1',
        '      kind: Deployment',
        '      metadata: { name: "shop-${{ environment.name }}" }',
        '      spec: { replicas: ${{ environment.values.replicas }} }',
        '      ---',
        '      apiVersion: v1',
        '      kind: Service',
        '      metadata: { name: shop }',
        '- name: prod',
        '  type: deploy',
        '  workspace: true',
        '  deploy:',
        '    environment: prod',
        '    application: web',
        '    manifest: { file: deploy/k8s }',
        '    strategy: blue-green',
        '    blueGreen: { service: shop }',
        '- name: canary',
        '  type: deploy',
        '  deploy:',
        '    environment: prod',
        '    manifest: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: c }"',
        '    strategy: canary',
        '    canary: { steps: [ { weight: 25, pause: 1m }, { weight: 50, approval: true } ] }',
      ),
    );
    const [dev, prod, canary] = allJobs(flow);
    expect(dev).toMatchObject({
      kind: 'deploy', timeoutMs: 300_000, onFailure: 'rollback', if: 'run.number > 0', retries: { max: 0 }, workspace: false,
      deploy: { environment: 'dev', application: 'shop', strategy: 'rolling' },
    });
    expect(dev?.deploy?.manifest).toEqual({ inline: expect.stringContaining('kind: Service') as string });
    expect(prod?.deploy).toEqual({
      environment: 'prod', application: 'web', manifest: { file: 'deploy/k8s' }, strategy: 'blue-green', blueGreen: { service: 'shop', scaleDownAfterMs: 600_000 },
    });
    expect(canary?.deploy?.canary).toEqual({ steps: [{ weight: 25, pauseMs: 60_000 }, { weight: 50, approval: true }] });
  });

  it('refuses the fields that mean nothing on a deploy job, each with its reason, and onFailure elsewhere', () => {
    expect(issues(oneAction(
      '- type: deploy',
      '  endpoint: alpine',
      '  retries: 2',
      '  deployment: { environment: dev }',
      '  timout: 5m',
      '  deploy: { environment: dev, manifest: { file: k8s } }',
      '- { name: c, endpoint: alpine, onFailure: rollback }',
    ))).toEqual([
      `8:13 ${J}.endpoint: "endpoint" is not allowed on a deploy job: a deploy job runs no container of its own (coflow applies the manifest)`,
      `9:13 ${J}.retries: "retries" is not allowed on a deploy job: a deploy job is not retried (a second apply over a half-done rollout hides the first failure); use "onFailure: rollback", or run again`,
      `10:13 ${J}.deployment: "deployment" is not allowed on a deploy job: a deploy job is recorded as a deployment already; "deployment:" marks component and service jobs`,
      `11:13 ${J}.timout: unknown field "timout" on a deploy job; did you mean "timeout"?`,
      `12:21 ${J}.deploy: the manifest file "k8s" is read from the run's workspace: add "workspace: true" to the job or the flow`,
      '13:53 stages[0].actions[0].jobs[1].onFailure: "onFailure" belongs to deploy jobs (type: deploy): only a deployment coflow performs can be rolled back by coflow',
    ]);
  });

  it('checks the deploy block: environment, manifest objects, strategy settings and canary steps', () => {
    expect(issues(oneAction(
      '- type: deploy',
      '  deploy:',
      '    environment: Prod_1',
      '    manifest: "kind: Deployment\\nmetadata: { name: x }"',
      '    strategy: blue-green',
      '- type: deploy',
      '  deploy:',
      '    manifest: { path: k8s }',
      '    strategy: canary',
      '    canary: { steps: [ { weight: 50, pause: 1m }, { weight: 50, approval: true, pause: 1m }, { weight: 120, approval: false } ] }',
      '    blueGreen: { service: shop }',
      '- type: deploy',
      '  deploy: { environment: dev, manifest: "---\\n", strategy: canary, canary: { steps: [] } }',
    ))).toEqual([
      `9:15 ${J}.deploy.blueGreen: the blue-green strategy needs "blueGreen": { service: NAME } (the Service that follows the live colour)`,
      `9:28 ${J}.deploy.environment: "Prod_1" is not an environment name (lower-case letters, digits and "-")`,
      `10:25 ${J}.deploy.manifest: the manifest lacks apiVersion`,
      '14:15 stages[0].actions[0].jobs[1].deploy.environment: a deploy job needs an "environment" (a name from the namespace\'s environments file)',
      '14:25 stages[0].actions[0].jobs[1].deploy.manifest: a manifest file is written { file: PATH } (a file, a folder or a kustomization in the workspace)',
      '14:27 stages[0].actions[0].jobs[1].deploy.manifest.path: unknown field "path"',
      '16:61 stages[0].actions[0].jobs[1].deploy.canary.steps[1]: a canary step takes exactly one of "pause: DURATION" or "approval: true"',
      '16:71 stages[0].actions[0].jobs[1].deploy.canary.steps[1].weight: weights must increase step by step: 50 follows 50',
      '16:114 stages[0].actions[0].jobs[1].deploy.canary.steps[2].weight: a weight is a percent (1–100), got 120',
      '16:129 stages[0].actions[0].jobs[1].deploy.canary.steps[2].approval: write "approval: true", or give a "pause" instead',
      '17:26 stages[0].actions[0].jobs[1].deploy.blueGreen: "blueGreen" belongs to the blue-green strategy; this job\'s strategy is canary',
      '19:51 stages[0].actions[0].jobs[2].deploy.manifest: the manifest is empty: write at least one Kubernetes object',
      '19:95 stages[0].actions[0].jobs[2].deploy.canary.steps: a canary needs at least one step: { weight: 1–100, pause: DURATION } or { weight, approval: true }',
    ]);
  });

  it('lets a deploy manifest read environment.*, and nothing else does', () => {
    expect(issues(oneAction(
      '- type: deploy',
      '  deploy:',
      '    environment: dev',
      '    manifest: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: ${{ environment.colour }} }"',
      '- { name: c, endpoint: alpine, script: "echo ${{ environment.name }}" }',
    ))).toEqual([
      `10:25 ${J}.deploy.manifest: expression: "environment" has no property "colour"; it has name, tier, namespace, values`,
      '11:60 stages[0].actions[0].jobs[1].script: expression: "environment" can be used only in a deploy job\'s manifest',
    ]);
  });

  it('reads deployment marks on component and service jobs', () => {
    const flow = parseFlow(oneAction(
      '- { name: kubectl, endpoint: bitnami/kubectl, deployment: { environment: prod } }',
      '- { name: spinnaker, type: service, service: { url: "https://spin.example.com/go" }, deployment: { environment: prod, application: web } }',
    ));
    const [kubectl, spinnaker] = allJobs(flow);
    expect(kubectl?.deployment).toEqual({ environment: 'prod', application: 'shop' });
    expect(spinnaker?.deployment).toEqual({ environment: 'prod', application: 'web' });
    expect(issues(oneAction('- { name: k, endpoint: alpine, deployment: { application: web } }'))).toEqual([
      '7:54 stages[0].actions[0].jobs[0].deployment.environment: a deployment mark needs an "environment" (a name from the namespace\'s environments file)',
    ]);
  });
});
