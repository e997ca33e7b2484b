import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../flow/index.ts';
import type { JobSpec } from '../flow/model.ts';
import { loadCatalog, resolveComponents } from './catalog.ts';
import { ComponentDefinitionError, ComponentUseError } from './errors.ts';

const catalog = loadCatalog(import.meta.dirname);

/** A one-job flow around `job` (YAML flow-mapping text), resolved against the bundled catalog. */
function resolveJob(job: string): JobSpec {
  const flow = parseFlow(`uri: t/lib/x\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n          - ${job}\n`);
  const resolved = resolveComponents(flow, catalog);
  return resolved.stages[0]!.actions[0]!.jobs[0]!;
}

function problemsOf(job: string): string[] {
  try {
    resolveJob(job);
  } catch (err) {
    if (err instanceof ComponentUseError) return err.problems.map((p) => p.message);
    throw err;
  }
  return [];
}

describe('the bundled library', () => {
  it('holds the six library components, each pinnable by major version to its image', () => {
    const refs = catalog.list().map((e) => `${e.namespace}/${e.name}@${e.version}`);
    expect(refs).toEqual(['library/git-clone@1.0.0', 'library/http@1.0.0', 'library/kubectl@1.0.0', 'library/node-test@1.0.0', 'library/python-test@1.0.0', 'library/shell@1.0.0']);
    for (const name of ['git-clone', 'http', 'kubectl', 'node-test', 'python-test', 'shell']) {
      expect(catalog.resolve({ namespace: 'library', name, version: '1' })?.image).toBe(`coflow/${name}:1.0.0`);
    }
    expect(catalog.resolve({ namespace: 'library', name: 'git-clone', version: '2' })).toBeUndefined();
  });
});

describe('a job that uses a component', () => {
  it('gets the declared input defaults, timeout and resources where it gives none, and keeps its own', () => {
    const job = resolveJob('{ name: c, component: library/git-clone@1, inputs: { url: "http://git/repo.git", depth: 0 } }');
    expect(job.image).toBe('coflow/git-clone:1.0.0');
    expect(job.inputs).toEqual({ url: 'http://git/repo.git', branch: '', depth: '0', dir: 'src' });
    expect(job.timeoutMs).toBe(5 * 60_000);
    expect(job.resources).toEqual({ cpuMillis: 500, memoryBytes: 256 * 2 ** 20 });

    const own = resolveJob('{ name: c, component: library/git-clone@1, inputs: { url: u }, timeout: 0, resources: { memory: 1Gi } }');
    expect(own.timeoutMs).toBe(0);
    expect(own.resources).toEqual({ cpuMillis: 500, memoryBytes: 2 ** 30 });
  });

  it('is refused with every problem named: an unknown input (with a hint), a missing required one, an output the component never prints', () => {
    expect(problemsOf('{ name: c, component: library/http@1, inputs: { ur: "http://x" }, outputs: [status, code] }')).toEqual([
      'input "ur" is not an input of library/http@1.0.0 (did you mean "url"?); it takes url, method, headers, body, expect or save',
      'output "code" is not an output of library/http@1.0.0; it prints status, digest, size',
      'input "url" is required by library/http@1.0.0: the URL to call',
    ]);
  });

  it('refuses a secret input written as text, and takes it from a stored secret', () => {
    expect(problemsOf('{ name: k, component: library/kubectl@1, inputs: { kubeconfig: "apiVersion: v1" } }')).toEqual([
      'input "kubeconfig" of library/kubectl@1.0.0 is secret: give it as ${{ secrets.NAME }} (a stored secret), not as text in the flow',
    ]);
    expect(problemsOf('{ name: k, component: library/kubectl@1, inputs: { kubeconfig: "${{ secrets.kube }}" } }')).toEqual([]);
  });

  it('may pass any input to a script of its own, which replaces the component\'s program', () => {
    expect(resolveJob('{ name: s, component: library/shell@1, script: "echo $CO_DATA", inputs: { anything: 1 } }').inputs).toEqual({ anything: '1' });
    expect(problemsOf('{ name: s, component: library/shell@1, inputs: { anything: 1 } }')).toEqual(['input "anything": library/shell@1.0.0 takes no inputs']);
  });
});

describe('component.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-catalog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string): (() => unknown) => {
    const at = mkdtempSync(join(dir, 'c-'));
    mkdirSync(join(at, 'x'));
    writeFileSync(join(at, 'x', 'component.yaml'), yaml);
    return () => loadCatalog(at);
  };
  const base = 'name: x\nnamespace: acme\nversion: 2.1.0\nimage: acme/x:2.1.0\n';

  it('takes retries, timeout and resources, and a job of the component gets them', () => {
    const at = mkdtempSync(join(dir, 'ok-'));
    mkdirSync(join(at, 'x'));
    writeFileSync(join(at, 'x', 'component.yaml'), `${base}retries: { max: 2, backoff: 1s }\ntimeout: 90s\nresources: { cpu: 250m }\n`);
    const flow = parseFlow('uri: t/lib/y\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n          - { name: j, component: acme/x@2 }\n');
    const job = resolveComponents(flow, loadCatalog(at)).stages[0]!.actions[0]!.jobs[0]!;
    expect([job.retries, job.timeoutMs, job.resources]).toEqual([{ max: 2, backoffMs: 1000, maxBackoffMs: 300_000 }, 90_000, { cpuMillis: 250 }]);
  });

  it('refuses unknown fields, bad values and contradictions, naming the file and the field', () => {
    expect(load(`${base}timout: 5m\n`)).toThrow(ComponentDefinitionError);
    expect(load(`${base}timout: 5m\n`)).toThrow(/component\.yaml: .*timout/);
    expect(load(`${base}timeout: soon\n`)).toThrow(/timeout: .*soon/);
    expect(load(`${base}resources: { cpu: lots }\n`)).toThrow(/resources\.cpu/);
    expect(load(`${base}inputs: { token: { secret: true, default: abc } }\n`)).toThrow(/inputs\.token: a secret input has no default/);
    expect(load(`${base}inputs: { url: { required: true, defualt: x } }\n`)).toThrow(/inputs\.url: .*defualt/);
    expect(load('name: x\nnamespace: acme\nimage: acme/x:1\n')).toThrow(/version/);
  });
});
