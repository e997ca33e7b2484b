import { describe, expect, it } from 'vitest';
import { FlowValidationError } from './errors.ts';
import { allJobs } from './model.ts';
import { parseFlow, validateFlow } from './parse.ts';
import { checkPodTemplate, podTemplateRef } from './pod-template.ts';
import { inlinePodTemplates } from './template-refs.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const POD = yaml('apiVersion: v1', 'kind: Pod', 'metadata: { labels: { team: web } }', 'spec:', '  nodeSelector: { disk: ssd }', '  containers:', '    - name: main', '      image: coflow/shell:1.0.0');
const flowWith = (...jobLines: string[]): string =>
  yaml('uri: t/pod/template', 'stages:', '  - name: s', '    actions:', '      - name: a', '        jobs:', ...jobLines.map((l) => `          ${l}`));

describe('what a kubectl value refers to', () => {
  it('tells a manifest from a URL and a path', () => {
    expect(podTemplateRef(POD)).toEqual({ kind: 'inline' });
    expect(podTemplateRef('{"kind":"Pod"}')).toEqual({ kind: 'inline' });
    expect(podTemplateRef('containers: [ { image: a } ]')).toEqual({ kind: 'inline' });
    expect(podTemplateRef('https://example.test/pod.yaml')).toEqual({ kind: 'url', url: 'https://example.test/pod.yaml' });
    expect(podTemplateRef('k8s/build.yaml')).toEqual({ kind: 'path', path: 'k8s/build.yaml' });
  });
});

describe('checking a Pod template', () => {
  it('takes a Pod manifest or a bare Pod spec, and finds the first container\'s image', () => {
    expect(checkPodTemplate(POD)).toMatchObject({ ok: true, image: 'coflow/shell:1.0.0', pod: { kind: 'Pod', metadata: { labels: { team: 'web' } } } });
    expect(checkPodTemplate('containers: [ { image: busybox } ]')).toMatchObject({ ok: true, image: 'busybox', pod: { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ image: 'busybox' }] } } });
  });

  it.each([
    ['apiVersion: apps/v1\nkind: Deployment\nspec: {}', 'must be of kind Pod, not "Deployment"'],
    ['kind: Pod\nspec: { containers: [] }', 'needs at least one container'],
    ['hostNetwork: true', 'neither a Pod manifest (kind: Pod) nor a Pod spec'],
    ['containers: [ { image: a }, { image: b } ]', 'spec.containers[1] needs a name'],
    ['containers: [ { name: x, image: a }, { name: x, image: b } ]', 'two containers are named "x"'],
    ['restartPolicy: OnFailure\ncontainers: [ { image: a } ]', 'restartPolicy must be Never'],
    ['containers: [ { image: a } ]\n---\ncontainers: [ { image: b } ]', 'one YAML document, found 2'],
    ['- a\n- b', 'must be a mapping'],
    ['containers: [ { image: a ]', 'not valid YAML'],
  ])('refuses %j', (text, problem) => {
    const r = checkPodTemplate(text);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.problem).toContain(problem);
  });
});

describe('kubectl in a flow', () => {
  it('stores an inline manifest (block scalar or mapping) with the job; a kubectl-only job runs its image', () => {
    const block = allJobs(parseFlow(flowWith('- name: j', '  kubectl: |', ...POD.trimEnd().split('\n').map((l) => `    ${l}`))))[0]!;
    expect(block).toMatchObject({ kubectl: 'inline', podTemplate: POD, image: 'coflow/shell:1.0.0' });
    const mapped = allJobs(parseFlow(flowWith('- endpoint: coflow/other:2', '  kubectl: { containers: [ { image: x/y:1 } ] }')))[0]!;
    expect(mapped).toMatchObject({ kubectl: 'inline', image: 'coflow/other:2' });
    expect(checkPodTemplate(mapped.podTemplate!)).toMatchObject({ ok: true, image: 'x/y:1' });
  });

  it('reports a template that is not a usable Pod at its line:column', () => {
    const r = validateFlow(flowWith('- name: j', '  endpoint: a/b:1', '  kubectl: { kind: Deployment, spec: {} }'));
    expect(r.ok ? [] : r.issues).toEqual([
      { path: 'stages[0].actions[0].jobs[0].kubectl', line: 9, column: 22, message: 'the Pod template must be of kind Pod, not "Deployment"' },
    ]);
  });

  it('refuses a kubectl-only job whose template names no image', () => {
    const r = validateFlow(flowWith('- name: j', '  kubectl: { containers: [ { name: c } ] }'));
    expect(r.ok ? '' : r.issues[0]!.message).toMatch(/first container names no image, and the job gives no "endpoint"/);
  });
});

describe('inlining paths and URLs', () => {
  it('writes each manifest in place as a JSON string; every other line keeps its number', async () => {
    const source = flowWith('- name: j', '  kubectl: k8s/pod.yaml # the build Pod', '  timeout: 1m', '- { name: k, endpoint: a/b:1, kubectl: "https://h.test/p.yaml" }');
    const asked: string[] = [];
    const out = await inlinePodTemplates(source, (ref) => {
      asked.push(ref.kind === 'url' ? ref.url : ref.path);
      return Promise.resolve(POD);
    });
    expect(asked).toEqual(['k8s/pod.yaml', 'https://h.test/p.yaml']);
    expect(out.split('\n')).toHaveLength(source.split('\n').length);
    expect(out).toContain(`kubectl: ${JSON.stringify(POD)} # the build Pod`);
    const jobs = allJobs(parseFlow(out));
    expect(jobs.map((j) => [j.name, j.podTemplate, j.image])).toEqual([['j', POD, 'coflow/shell:1.0.0'], ['k', POD, 'a/b:1']]);
  });

  it('names the job, the path and the reason of every one it cannot read, at its line:column', async () => {
    const source = flowWith('- name: j', '  kubectl: gone.yaml', '- name: k', '  kubectl: also-gone.yaml');
    const err = await inlinePodTemplates(source, (ref) => Promise.reject(new Error(`no such file ${ref.kind === 'path' ? ref.path : ''}`))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowValidationError);
    expect((err as FlowValidationError).issues).toEqual([
      { path: 'stages[0].actions[0].jobs[0].kubectl', line: 8, column: 22, message: 'job j: kubectl "gone.yaml": no such file gone.yaml' },
      { path: 'stages[0].actions[0].jobs[1].kubectl', line: 10, column: 22, message: 'job k: kubectl "also-gone.yaml": no such file also-gone.yaml' },
    ]);
  });
});
