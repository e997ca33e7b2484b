import { describe, expect, it } from 'vitest';
import { EnvironmentsValidationError, parseEnvironments, validateEnvironments } from './parse-environments.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

function issues(text: string, namespace?: string): string[] {
  const result = validateEnvironments(text, namespace === undefined ? {} : { namespace });
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

describe('environments files', () => {
  it('reads environments with their cluster, protection and values; an unprotected production tier is a warning', () => {
    const { spec, warnings } = parseEnvironments(yaml(
      'namespace: acme',
      'alerts: { tokenSecret: ALERTS_TOKEN }',
      'environments:',
      '  - name: dev',
      '    tier: development',
      '    kubernetes: { namespace: shop-dev }',
      '    values: { replicas: "1", host: dev.example.com }',
      '  - name: prod',
      '    title: Production',
      '    tier: production',
      '    kubernetes: { namespace: shop-prod, kubeconfig: { secret: PROD_KUBECONFIG } }',
      '    protection: { approvers: [alice, "role:admin"], branches: [main, "release/*"] }',
      '  - name: dr',
      '    tier: production',
      '    kubernetes: { namespace: shop-dr }',
    ));
    expect(spec).toEqual({
      namespace: 'acme',
      alerts: { tokenSecret: 'ALERTS_TOKEN' },
      environments: [
        { name: 'dev', tier: 'development', kubernetesNamespace: 'shop-dev', cluster: { kind: 'runner' }, protection: { approvers: [], branches: [] }, values: { replicas: '1', host: 'dev.example.com' } },
        {
          name: 'prod', title: 'Production', tier: 'production', kubernetesNamespace: 'shop-prod', cluster: { kind: 'kubeconfig', secret: 'PROD_KUBECONFIG' },
          protection: { approvers: ['alice', 'role:admin'], branches: ['main', 'release/*'] }, values: {},
        },
        { name: 'dr', tier: 'production', kubernetesNamespace: 'shop-dr', cluster: { kind: 'runner' }, protection: { approvers: [], branches: [] }, values: {} },
      ],
    });
    expect(warnings.map((w) => `${w.line}:${w.column} ${w.message}`)).toEqual([
      '13:11 production environment "dr" has no protection: any run of any branch may deploy to it; add protection: { approvers, branches }',
    ]);
  });

  it('reports every problem with its place: names, tiers, namespaces, values, unknown fields, duplicates', () => {
    expect(issues(yaml(
      'namespace: acme',
      'environments:',
      '  - name: Dev_1',
      '    tier: prod',
      '    kubernetes: { namespace: Shop.Dev }',
      '    values: { replicas: 3, "bad name": x }',
      '  - name: qa',
      '    tier: testing',
      '    kubernetes: { namespace: qa, cluster: kubeconfig }',
      '    protecton: { approvers: [bob] }',
      '  - name: qa',
      '    tier: testing',
      '    kubernetes: { namespace: qa2 }',
    ))).toEqual([
      '3:11 environments[0].name: "Dev_1" is not an environment name: lower-case letters, digits and "-", at most 63, starting and ending with a letter or digit',
      '4:11 environments[0].tier: must be one of development, testing, staging, production, got "prod"',
      '5:30 environments[0].kubernetes.namespace: "Shop.Dev" is not a Kubernetes namespace name (a DNS label: lower-case letters, digits and "-", at most 63)',
      '6:25 environments[0].values.replicas: values are strings (quote numbers and booleans: "3"), got 3',
      '6:28 environments[0].values["bad name"]: "bad name" is not a value name (letters, digits, "_" and "-"; read as environment.values.NAME)',
      '9:43 environments[1].kubernetes.cluster: cluster: kubeconfig needs "kubeconfig": { secret: NAME }',
      '10:5 environments[1].protecton: unknown field "protecton"; did you mean "protection"?',
      '11:5 environments[2]: environment "qa" is declared twice',
    ]);
  });

  it('refuses a file without environments, and a namespace other than the one it is applied to', () => {
    expect(issues(yaml('namespace: acme', 'environments: []'), 'shop')).toEqual([
      '1:12 namespace: the file declares namespace "acme" but is applied to "shop"; they must be the same',
      '2:15 environments: an environments file declares at least one environment',
    ]);
    expect(() => parseEnvironments('environments: [', { file: 'envs.yaml' })).toThrow(EnvironmentsValidationError);
    expect(() => parseEnvironments('environments: [', { file: 'envs.yaml' })).toThrow(/envs\.yaml:\d+:\d+ YAML syntax error/);
  });
});
