import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowIssue } from './errors.ts';
import { allJobs } from './model.ts';
import { validateFlow } from './parse.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const brief = (list: readonly FlowIssue[]): [string, number, number, string][] => list.map((i) => [i.path, i.line, i.column, i.message]);

function accepted(text: string): { paths: string[]; warnings: readonly FlowIssue[] } {
  const result = validateFlow(text);
  if (!result.ok) throw new Error(`expected the flow to be accepted:\n${JSON.stringify(result.issues, null, 2)}`);
  return { paths: allJobs(result.flow).map((j) => j.path), warnings: result.warnings };
}

function rejected(text: string): [string, number, number, string][] {
  const result = validateFlow(text);
  if (result.ok) throw new Error('expected the flow to be rejected');
  return brief(result.issues);
}

// Stage `build`: two actions named `compile`, the second running `make` twice; stage `ship` takes extra job lines.
const twice = (...shipJob: string[]): string =>
  yaml(
    'uri: acme/shop/ci',
    'stages:',
    '  - name: build',
    '    actions:',
    '      - { name: compile, jobs: [ { name: make, endpoint: golang, outputs: [BIN] } ] }',
    '      - name: compile',
    '        jobs:',
    '          - { name: make, endpoint: golang, outputs: [BIN] }',
    '          - { name: make, endpoint: golang, outputs: [BIN] }',
    '  - name: ship',
    '    actions:',
    '      - name: pack',
    '        jobs:',
    '          - name: tar',
    '            endpoint: busybox',
    ...shipJob.map((l) => `            ${l}`),
  );

describe('duplicate action and job names (ContainerOps)', () => {
  it('accepts a ContainerOps-style file that repeats names, numbering every repeat, with a warning at each', () => {
    const { paths, warnings } = accepted(readFileSync(new URL('testdata/duplicate-names.yml', import.meta.url), 'utf8'));
    expect(paths).toEqual([
      'checkstyle-test.checkstyle-action-1.analysis-java-gradle-checkstyle',
      'checkstyle-test.checkstyle-action-2.checkstyle-1',
      'checkstyle-test.checkstyle-action-2.checkstyle-2',
    ]);
    expect(brief(warnings)).toEqual([
      ['stages[1].actions[0].name', 21, 15, 'action name "checkstyle-action" is used 2 times in stage "checkstyle-test" (ContainerOps allowed it); this action is named "checkstyle-action-1"'],
      ['stages[1].actions[1].name', 34, 15, 'action name "checkstyle-action" is used 2 times in stage "checkstyle-test" (ContainerOps allowed it); this action is named "checkstyle-action-2"'],
      ['stages[1].actions[1].jobs[0].name', 38, 19, 'job name "checkstyle" is used 2 times in action "checkstyle-action" (ContainerOps allowed it); this job is named "checkstyle-1"'],
      ['stages[1].actions[1].jobs[1].name', 44, 19, 'job name "checkstyle" is used 2 times in action "checkstyle-action" (ContainerOps allowed it); this job is named "checkstyle-2"'],
    ]);
  });

  it('links to a numbered path, and reports no warning for a flow without repeats', () => {
    const { paths, warnings } = accepted(twice('subscriptions: [ { "build.compile-2.make-1[BIN]": BIN } ]'));
    expect(paths).toEqual(['build.compile-1.make', 'build.compile-2.make-1', 'build.compile-2.make-2', 'ship.pack.tar']);
    expect(warnings).toHaveLength(4);
    const result = validateFlow(yaml('uri: a/b/c', 'stages:', '  - { name: s, actions: [ { name: a, jobs: [ { endpoint: x } ] } ] }'));
    expect(result.ok && result.warnings).toEqual([]);
    const linked = validateFlow(twice('subscriptions: [ { "build.compile-2.make-1[BIN]": BIN } ]'));
    expect(linked.ok && allJobs(linked.flow)[3]?.subscriptions).toEqual([{ from: 'build.compile-2.make-1', output: 'BIN', env: 'BIN' }]);
  });

  it('rejects a data link to a path made ambiguous by repeats, at its line:column, naming the candidates', () => {
    expect(rejected(twice('subscriptions: [ { "build.compile.make[BIN]": BIN } ]'))).toEqual([
      ['stages[1].actions[0].jobs[0].subscriptions[0]', 16, 32, 'job reference "build.compile.make" is ambiguous (build.compile-1.make, build.compile-2.make-1, build.compile-2.make-2); write one of these paths'],
    ]);
  });

  it('rejects bare job and action names made ambiguous by repeats, in links and in expressions', () => {
    expect(rejected(twice('subscriptions: { "make[BIN]": BIN }'))[0]?.[3]).toBe(
      'job reference "make" is ambiguous (build.compile-1.make, build.compile-2.make-1, build.compile-2.make-2); write the full path stage.action.job',
    );
    expect(rejected(twice('subscriptions: { "compile[BIN]": BIN }'))[0]?.[3]).toMatch(/^job reference "compile" is ambiguous \(build\.compile-1\.make, /);
    const [issue] = rejected(twice('environments: { V: "${{ jobs.build.compile.make.outputs.BIN }}" }'));
    expect(issue?.slice(0, 2)).toEqual(['stages[1].actions[0].jobs[0].environments.V', 16]);
    expect(issue?.[3]).toMatch(/job reference "build\.compile\.make" is ambiguous/);
  });

  it('skips numbers a sibling already uses, and derives unnamed jobs around repeated names', () => {
    const text = yaml(
      'uri: a/b/c',
      'stages:',
      '  - name: s',
      '    actions:',
      '      - { name: a, jobs: [ { endpoint: x } ] }',
      '      - { name: a-1, jobs: [ { endpoint: x } ] }',
      '      - name: a',
      '        jobs: [ { name: golang, endpoint: x }, { name: golang, endpoint: x }, { endpoint: "golang:1.22" } ]',
    );
    expect(accepted(text).paths).toEqual(['s.a-2.x', 's.a-1.x', 's.a-3.golang-1', 's.a-3.golang-2', 's.a-3.golang-3']);
  });
});
