import { describe, expect, it } from 'vitest';
import { FlowValidationError } from './errors.ts';
import type { FlowIssue } from './errors.ts';
import { parseFlow, validateFlow } from './parse.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

function issues(text: string): FlowIssue[] {
  const result = validateFlow(text);
  if (result.ok) throw new Error('expected the flow to be rejected');
  return [...result.issues];
}

/** `[path, line, column]` of each issue, for compact assertions. */
const where = (list: readonly FlowIssue[]): [string, number, number][] => list.map((i) => [i.path, i.line, i.column]);

// One stage, one action, jobs given as lines indented under `jobs:` (job items start on line 7).
const oneAction = (...jobLines: string[]): string =>
  yaml('uri: acme/shop/ci', 'stages:', '  - name: build', '    actions:', '      - name: compile', '        jobs:', ...jobLines.map((l) => `          ${l}`));

describe('validation errors carry path and line:column', () => {
  it('rejects an unknown field with a did-you-mean hint', () => {
    const found = issues(oneAction('- name: make', '  endpoint: golang:1.22', '  timout: 10m'));
    expect(where(found)).toEqual([['stages[0].actions[0].jobs[0].timout', 9, 13]]);
    expect(found[0]?.message).toBe('unknown field "timout"; did you mean "timeout"?');
  });

  it('rejects an unknown image pull policy at the value, with a hint, and keeps a valid one', () => {
    const found = issues(oneAction('- name: make', '  endpoint: golang:1.22', '  imagePullPolicy: allways'));
    expect(where(found)).toEqual([['stages[0].actions[0].jobs[0].imagePullPolicy', 9, 30]]);
    expect(found[0]?.message).toBe('must be one of Always, IfNotPresent, Never, got "allways"; did you mean "Always"?');
    const flow = parseFlow(oneAction('- name: make', '  endpoint: golang:1.22', '  imagePullPolicy: Never'));
    expect(flow.stages[0]?.actions[0]?.jobs[0]?.imagePullPolicy).toBe('Never');
  });

  it('rejects a bad duration at the value', () => {
    const found = issues(oneAction('- name: make', '  endpoint: golang:1.22', '  timeout: 10x'));
    expect(where(found)).toEqual([['stages[0].actions[0].jobs[0].timeout', 9, 22]]);
    expect(found[0]?.message).toMatch(/^invalid duration "10x"/);
  });

  it('rejects duplicate stage names (actions and jobs may repeat: flow/duplicate-names.test.ts)', () => {
    const text = yaml(
      'uri: a/b/c',
      'stages:',
      '  - { name: s, actions: [ { name: a, jobs: [ { endpoint: x } ] } ] }',
      '  - { name: s, actions: [ { name: b, jobs: [ { endpoint: z } ] } ] }',
    );
    expect(issues(text).map((i) => [i.path, i.line, i.column, i.message])).toEqual([['stages[1].name', 4, 13, 'duplicate stage name "s"']]);
  });

  it('rejects a subscription to an unknown job, with a hint', () => {
    const found = issues(oneAction('- name: make', '  endpoint: a', '  outputs: [BIN]', '- name: pack', '  endpoint: b', '  subscriptions:', '    - "build.compile.mkae[BIN]": BINARY'));
    expect(where(found)).toEqual([['stages[0].actions[0].jobs[1].subscriptions[0]', 13, 17]]);
    expect(found[0]?.message).toBe('unknown job "build.compile.mkae"; did you mean "build.compile.make"?');
  });

  it('rejects a subscription to a job that runs later', () => {
    const found = issues(oneAction('- name: pack', '  endpoint: b', '  subscriptions: [ { "make[BIN]": BINARY } ]', '- name: make', '  endpoint: a'));
    expect(where(found)).toEqual([['stages[0].actions[0].jobs[0].subscriptions[0]', 9, 32]]);
    expect(found[0]?.message).toBe('job build.compile.make runs after this job; a job can only use outputs of jobs that finish before it starts');
  });

  it('rejects a subscription to a sibling action of a parallel stage', () => {
    const text = yaml(
      'uri: a/b/c',
      'stages:',
      '  - name: test',
      '    sequencing: parallel',
      '    actions:',
      '      - { name: unit, jobs: [ { name: go-test, endpoint: go, outputs: [COV] } ] }',
      '      - name: lint',
      '        jobs:',
      '          - endpoint: golint',
      '            subscriptions: [ { "go-test[COV]": COVERAGE } ]',
    );
    const found = issues(text);
    expect(where(found)).toEqual([['stages[0].actions[1].jobs[0].subscriptions[0]', 10, 32]]);
    expect(found[0]?.message).toMatch(/^job test\.unit\.go-test runs in parallel with this job/);
  });

  it('rejects an output the producing job does not declare', () => {
    const found = issues(oneAction('- { name: make, endpoint: a, outputs: [BIN] }', '- { name: pack, endpoint: b, subscriptions: { "make[LIB]": L } }'));
    expect(where(found)).toEqual([['stages[0].actions[0].jobs[1].subscriptions["make[LIB]"]', 8, 57]]);
    expect(found[0]?.message).toBe('job build.compile.make does not declare output "LIB"; it declares BIN');
  });

  it('rejects cycles in data links', () => {
    const text = yaml(
      'uri: a/b/c',
      'stages:',
      '  - { name: one, actions: [ { name: a, jobs: [ { name: x, endpoint: i, subscriptions: [ { "y[O]": E } ] } ] } ] }',
      '  - { name: two, actions: [ { name: b, jobs: [ { name: y, endpoint: i, subscriptions: [ { "x[O]": E } ] } ] } ] }',
    );
    const found = issues(text);
    expect(found.map((i) => i.message)).toEqual(['data links form a cycle: one.a.x → two.b.y → one.a.x', 'data links form a cycle: one.a.x → two.b.y → one.a.x']);
    expect(where(found)).toEqual([
      ['stages[0].actions[0].jobs[0].subscriptions[0]', 3, 91],
      ['stages[1].actions[0].jobs[0].subscriptions[0]', 4, 91],
    ]);
  });

  it('turns a YAML syntax error into an issue with its position', () => {
    const found = issues(yaml('uri: a/b/c', 'stages:', '  - name: s', '    actions: [ { name: a }', 'x: 1'));
    expect(found[0]).toMatchObject({ path: '', line: 5, column: 1 });
    expect(found[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it('reports duplicate YAML keys as syntax errors', () => {
    const found = issues(yaml('uri: a/b/c', 'uri: d/e/f', 'stages: []'));
    expect(found).toEqual([{ path: '', line: 2, column: 1, message: 'YAML syntax error: Map keys must be unique' }]);
  });

  it('rejects an empty stages list and a flow without jobs', () => {
    expect(issues(yaml('uri: a/b/c', 'stages: []')).map((i) => [i.path, i.message])).toEqual([['stages', 'a flow needs at least one stage']]);
    expect(issues(yaml('uri: a/b/c', 'stages:', '  - { type: start, name: start }')).map((i) => [i.path, i.line, i.column, i.message])).toEqual([
      ['stages', 3, 3, 'a flow needs at least one job'],
    ]);
  });

  it('checks the uri, job kinds, image fields, resources and retries', () => {
    const text = yaml(
      'uri: acme/ci',
      'stages:',
      '  - name: s',
      '    actions:',
      '      - name: a',
      '        jobs:',
      '          - { name: j1, type: deploy, endpoint: x }',
      '          - { name: j2, type: script, endpoint: x }',
      '          - { name: j3, endpoint: x, component: lib/x@1 }',
      '          - { name: j4, component: "lib/x" }',
      '          - { name: j5 }',
      '          - { name: j6, endpoint: x, resources: { cpu: lots, memory: 4GB } }',
      '          - { name: j7, endpoint: x, retries: { max: -1, backoff: 1m, maxBackoff: 10s } }',
      '          - { name: j8, endpoint: x, script: "make", command: [make] }',
    );
    expect(issues(text).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '1:6 uri: "acme/ci" is not a flow uri; expected namespace/repository/name',
      '7:13 stages[0].actions[0].jobs[0].deploy: a deploy job needs "deploy": { environment, manifest, strategy }',
      '7:39 stages[0].actions[0].jobs[0].endpoint: "endpoint" is not allowed on a deploy job: a deploy job runs no container of its own (coflow applies the manifest)',
      '8:31 stages[0].actions[0].jobs[1].type: unknown job type "script"; use "component", "service" or "deploy"',
      '9:49 stages[0].actions[0].jobs[2].component: give either "endpoint" or "component", not both',
      '10:36 stages[0].actions[0].jobs[3].component: "lib/x" is not a component reference; expected namespace/name@version, e.g. library/shell@1',
      '11:13 stages[0].actions[0].jobs[4]: a job needs an image: give "endpoint" (a raw image) or "component" (namespace/name@version)',
      '12:56 stages[0].actions[0].jobs[5].resources.cpu: invalid cpu quantity "lots": expected a non-negative number with an optional unit suffix',
      '12:70 stages[0].actions[0].jobs[5].resources.memory: invalid memory quantity "4GB": unknown suffix "GB"; use bytes, k/M/G/T (decimal), Ki/Mi/Gi/Ti (binary) or Docker\'s m/g/t',
      '13:54 stages[0].actions[0].jobs[6].retries.max: must be a whole number ≥ 0, got -1',
      '13:83 stages[0].actions[0].jobs[6].retries.maxBackoff: must not be shorter than backoff',
      '14:63 stages[0].actions[0].jobs[7].command: give either "script" or "command", not both: a script replaces the image\'s command',
    ]);
  });

  it('checks triggers, concurrency, receivers and approvals', () => {
    const text = yaml(
      'uri: a/b/c',
      'triggers:',
      '  - github: { events: [push], branch: main }',
      '  - schedule: { cron: "0 25 * * *", timezone: Mars/Olympus }',
      '  - jenkins: {}',
      'concurrency: { max: 0, onLimit: drop }',
      'receivers: [ { type: slack, on: [failure, sometimes] } ]',
      'stages:',
      '  - { type: pause, name: gate, approval: { required: 3, approvers: [alice], timeout: soon } }',
      '  - { name: s, approval: {}, actions: [ { name: a, jobs: [ { endpoint: x } ] } ] }',
    );
    expect(issues(text).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '3:13 triggers[0].github.secret: a github trigger needs a "secret" (the name of the secret that signs its deliveries)',
      '3:31 triggers[0].github.branch: unknown field "branch"; did you mean "branches"?',
      '4:23 triggers[1].schedule.cron: bad cron line: hour "25": 25 is outside 0-23',
      '4:47 triggers[1].schedule.timezone: unknown time zone "Mars/Olympus"',
      '5:5 triggers[2].jenkins: unknown field "jenkins"',
      '6:21 concurrency.max: must be a whole number ≥ 1, got 0',
      '6:33 concurrency.onLimit: must be one of queue, cancel-previous, reject, got "drop"',
      '7:14 receivers[0].address: a receiver needs "address"',
      '7:43 receivers[0].on[1]: unknown event "sometimes"; use start, success, failure, cancel, approval, finish, deployment',
      '9:54 stages[0].approval.required: requires 3 approvals but lists 1 approvers',
      '9:86 stages[0].approval.timeout: invalid duration "soon": unexpected "soon"; use a number with a unit ms, s, m, h or d, e.g. 90s or 1h30m',
      '10:26 stages[1].approval: only a pause stage takes an approval',
    ]);
  });
});

describe('FlowValidationError', () => {
  const text = oneAction(
    '- name: make',
    '  endpoint: golang:1.22',
    '  timeout: forever',
    '  resources: { memory: 4 GB }',
    '  retires: 3',
    '  subscriptions: [ { "nowhere[X]": X } ]',
  );

  it('reports every problem at once, in file order', () => {
    expect(where(issues(text))).toEqual([
      ['stages[0].actions[0].jobs[0].timeout', 9, 22],
      ['stages[0].actions[0].jobs[0].resources.memory', 10, 34],
      ['stages[0].actions[0].jobs[0].retires', 11, 13],
      ['stages[0].actions[0].jobs[0].subscriptions[0]', 12, 32],
    ]);
  });

  it('is thrown by parseFlow with a stable name and a file:line:col message', () => {
    let error: unknown;
    try {
      parseFlow(text, { file: 'ci.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlowValidationError);
    const e = error as FlowValidationError;
    expect(e.name).toBe('FlowValidationError');
    expect(e.file).toBe('ci.yaml');
    expect(e.issues).toHaveLength(4);
    expect(e.message.split('\n')).toEqual([
      'invalid flow (4 issues):',
      '  ci.yaml:9:22 stages[0].actions[0].jobs[0].timeout: invalid duration "forever": unexpected "forever"; use a number with a unit ms, s, m, h or d, e.g. 90s or 1h30m',
      '  ci.yaml:10:34 stages[0].actions[0].jobs[0].resources.memory: invalid memory quantity "4 GB": expected a non-negative number with an optional unit suffix',
      '  ci.yaml:11:13 stages[0].actions[0].jobs[0].retires: unknown field "retires"; did you mean "retries"?',
      '  ci.yaml:12:32 stages[0].actions[0].jobs[0].subscriptions[0]: unknown job "nowhere"',
    ]);
  });
});
