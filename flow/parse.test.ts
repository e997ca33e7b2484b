import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allJobs } from './model.ts';
import type { JobSpec } from './model.ts';
import { parseFlow, validateFlow } from './parse.ts';

const testdata = new URL('./testdata/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, testdata), 'utf8');
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

function job(text: string, path: string): JobSpec {
  const found = allJobs(parseFlow(text)).find((j) => j.path === path);
  if (found === undefined) throw new Error(`no job ${path}`);
  return found;
}

describe('the SPEC §2 example', () => {
  const flow = parseFlow(read('spec-example.yaml'), { file: 'spec-example.yaml' });

  it('reads the flow header', () => {
    expect(flow.uri).toBe('acme/shop/ci');
    expect(flow.title).toBe('Shop CI');
    expect(flow.timeoutMs).toBe(2 * 3_600_000);
    expect(flow.environments).toEqual({ GOFLAGS: '-mod=readonly' });
  });

  it('keeps stages in order with types and sequencing (default sequence)', () => {
    expect(flow.stages.map((s) => [s.name, s.type, s.sequencing])).toEqual([
      ['start', 'start', 'sequence'],
      ['test', 'normal', 'parallel'],
      ['release-approval', 'pause', 'sequence'],
      ['soak', 'normal', 'sequence'],
      ['end', 'end', 'sequence'],
    ]);
    expect(allJobs(flow).map((j) => j.path)).toEqual(['test.unit.go-test', 'test.lint.golint', 'soak.scenario.user-scenario']);
  });

  it('normalises a component job', () => {
    const goTest = allJobs(flow)[0];
    expect(goTest).toMatchObject({
      name: 'go-test',
      kind: 'component',
      component: { namespace: 'library', name: 'go-test', version: '1' },
      inputs: { 'git-url': '${{ trigger.repo.cloneUrl }}', ref: '${{ trigger.commit }}' },
      outputs: ['CO_COVERAGE'],
      timeoutMs: 600_000,
      retries: { max: 3, backoffMs: 10_000, maxBackoffMs: 120_000 },
      resources: { cpuMillis: 1000, memoryBytes: 2 ** 30 },
      allowFailure: false,
    });
    expect(goTest?.image).toBeUndefined();
  });

  it('merges job environments over flow environments', () => {
    expect(allJobs(flow)[1]).toMatchObject({
      image: 'registry.local/golint:1.4',
      allowFailure: true,
      environments: { GOFLAGS: '-mod=readonly', CO_DATA: 'coderepo=${{ trigger.repo.cloneUrl }}' },
    });
  });

  it('resolves data links to job paths', () => {
    expect(allJobs(flow)[2]?.subscriptions).toEqual([{ from: 'test.unit.go-test', output: 'CO_COVERAGE', env: 'COVERAGE' }]);
  });
});

describe('ContainerOps flow files', () => {
  const dir = new URL('containerops/', testdata);
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

  it('has fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('accepts %s unchanged', (file) => {
    const result = validateFlow(readFileSync(new URL(file, dir), 'utf8'));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('reads the CNCF demo: outputs, a full-path subscription, cpu/memory, 0 = no limit', () => {
    const text = read('containerops/cncf-demo-runtime.yml');
    const flow = parseFlow(text);
    expect(flow.timeoutMs).toBe(0);
    const build = job(text, 'k8s-test-build-release.build-kubernetes.build-kubernetes');
    expect(build.subscriptions).toEqual([{ from: 'coredns-test-build-release.release-coredns.release-coredns', output: 'CO_COREDNS_URI', env: 'CO_COREDNS_URI' }]);
    expect(build.resources).toEqual({ cpuMillis: 2000, memoryBytes: 8e9 });
    expect(build.kubectl).toBe('kubernetes/kubernetes-build.yaml');
    expect(build.environments.CO_DATA).toContain('action=build');
    // `cpu: 0` / `memory: 0` meant "no request".
    expect(job(text, 'coredns-test-build-release.release-coredns.release-coredns').resources).toEqual({});
  });

  it('derives stable, unique names for unnamed jobs from their image', () => {
    const flow = parseFlow(read('containerops/servicecomb.yml'));
    const deploy = flow.stages[1]?.actions.find((a) => a.name === 'deploy-bmi');
    expect(deploy?.jobs.map((j) => j.name)).toEqual(['bmitest', 'bmitest-2', 'bmitest-3']);
    expect(flow.stages[1]?.actions[0]?.jobs[0]?.name).toBe('analysis-java-gradle-checkstyle');
  });

  it('skips the empty `-` list items ContainerOps files leave behind', () => {
    const flow = parseFlow(read('containerops/component-python-pylint-workflow.yaml'));
    expect(flow.stages[1]?.actions.map((a) => a.name)).toEqual(['pylint-test']);
  });
});

describe('normalisation', () => {
  const base = (...jobLines: string[]): string =>
    yaml('uri: a/b/c', 'stages:', '  - name: s', '    actions:', '      - name: a', '        jobs:', ...jobLines.map((l) => `          ${l}`));

  it('accepts environments as a map, subscriptions as a map, and bare job names in links', () => {
    const text = yaml(
      'uri: a/b/c',
      'environments: { A: 1, B: "two" }',
      'workspace: true',
      'stages:',
      '  - name: s',
      '    actions:',
      '      - name: a',
      '        jobs:',
      '          - { name: clone, endpoint: alpine/git, outputs: [SHA] }',
      '          - name: use',
      '            endpoint: alpine',
      '            workspace: false',
      '            environments: { B: three, C: true }',
      '            subscriptions: { "clone[SHA]": COMMIT }',
    );
    expect(job(text, 's.a.clone')).toMatchObject({ environments: { A: '1', B: 'two' }, workspace: true });
    expect(job(text, 's.a.use')).toMatchObject({
      environments: { A: '1', B: 'three', C: 'true' },
      workspace: false,
      subscriptions: [{ from: 's.a.clone', output: 'SHA', env: 'COMMIT' }],
    });
  });

  it('reads retries as a count with default backoff, and command/args as strings or lists', () => {
    const j = job(base('- endpoint: alpine', '  retries: 2', `  command: sh -c "echo 'hi there'"`, '  args: [a, 1]'), 's.a.alpine');
    expect(j.retries).toEqual({ max: 2, backoffMs: 10_000, maxBackoffMs: 300_000 });
    expect(j.command).toEqual(['sh', '-c', "echo 'hi there'"]);
    expect(j.args).toEqual(['a', '1']);
  });

  it('keeps inputs with spaces and turns scalar inputs into strings', () => {
    const j = job(base('- endpoint: alpine', '  inputs: { message: "hello world", count: 3, dry: false, empty: }'), 's.a.alpine');
    expect(j.inputs).toEqual({ message: 'hello world', count: '3', dry: 'false', empty: '' });
  });

  it('accepts a kubectl-only job (the image is in the Pod manifest) and names it after its action', () => {
    const j = job(base('- type: component', '  kubectl: deploy.yaml'), 's.a.a');
    expect(j).toMatchObject({ kubectl: 'deploy.yaml', kind: 'component' });
    expect(j.image).toBeUndefined();
  });

  it('resolves a ContainerOps-style reference to an action with a single unnamed job', () => {
    const text = yaml(
      'uri: a/b/c',
      'stages:',
      '  - name: one',
      '    actions:',
      '      - { name: release-coredns, jobs: [ { endpoint: coredns, output: [URI] } ] }',
      '  - name: two',
      '    actions:',
      '      - name: k8s',
      '        jobs:',
      '          - endpoint: k8s',
      '            subscriptions: [ { "release-coredns[URI]": CO_URI } ]',
    );
    expect(job(text, 'two.k8s.k8s').subscriptions).toEqual([{ from: 'one.release-coredns.coredns', output: 'URI', env: 'CO_URI' }]);
  });

  it('lets a job use outputs of earlier jobs in its action and of earlier actions in a sequence stage', () => {
    const text = yaml(
      'uri: a/b/c',
      'stages:',
      '  - name: s',
      '    sequencing: sequence',
      '    actions:',
      '      - { name: a1, jobs: [ { name: j1, endpoint: x }, { name: j2, endpoint: x, subscriptions: [ { "s.a1.j1[O]": E } ] } ] }',
      '      - { name: a2, jobs: [ { name: j3, endpoint: x, subscriptions: [ { "s.a1.j2[O]": E } ] } ] }',
    );
    expect(validateFlow(text)).toMatchObject({ ok: true });
  });

  it('supports YAML anchors and merge keys', () => {
    const text = yaml(
      'uri: a/b/c',
      'x-defaults: &defaults { endpoint: alpine, timeout: 5m }',
      'stages: []',
    );
    // Unknown top-level keys are still rejected, anchors or not.
    expect(validateFlow(text)).toMatchObject({ ok: false });
    const merged = base('- &first { name: one, endpoint: alpine, timeout: 5m }', '- { <<: *first, name: two }');
    expect(job(merged, 's.a.two')).toMatchObject({ image: 'alpine', timeoutMs: 300_000 });
  });
});
