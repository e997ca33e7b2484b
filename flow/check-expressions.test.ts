/* eslint-disable @typescript-eslint/no-unsafe-assignment -- asymmetric matchers (expect.stringMatching) are typed any */
import { describe, expect, it } from 'vitest';
import { validateFlow } from './parse.ts';
import type { FlowIssue } from './errors.ts';

function issues(yaml: string): FlowIssue[] {
  const r = validateFlow(yaml);
  return r.ok ? [] : [...r.issues];
}

const flow = (jobs: string, extra = '') => `uri: a/b/c
environments: { MODE: fast }
${extra}stages:
  - name: build
    actions:
      - name: version
        jobs:
          - { name: tag, endpoint: img:1, outputs: [VERSION] }
  - name: test
    sequencing: parallel
    actions:
      - name: unit
        jobs:
${jobs}
      - name: other
        jobs:
          - { name: sibling, endpoint: img:1, outputs: [S] }
`;

describe('expression validation', () => {
  it('accepts valid references and carries if/pre/post into the model', () => {
    const r = validateFlow(
      flow(`          - name: go
            endpoint: img:1
            if: "jobs.tag.outputs.VERSION != '' && trigger.branch == 'main'"
            inputs: { v: "\${{ jobs.build.version.tag.outputs.VERSION }}", r: "\${{ run.number }}-\${{ flow.uri }}", t: "\${{ secrets.TOKEN }}" }
            environments: [ { X: "\${{ env.MODE }}" } ]
            script: echo \${{ inputs.name }}
            pre: inputs.x = "1"
            post: |
              if outputs.A == nil then error("no A") end`, 'inputs: { name: world }\n'),
    );
    expect(r.ok ? [] : r.issues).toEqual([]);
    if (!r.ok) return;
    const job = r.flow.stages[1]!.actions[0]!.jobs[0]!;
    expect(job.if).toBe("jobs.tag.outputs.VERSION != '' && trigger.branch == 'main'");
    expect(job.pre).toBe('inputs.x = "1"');
    expect(job.post).toContain('error("no A")');
  });

  it('reports syntax errors at the column of the expression inside the string', () => {
    const line = '          - { name: go, endpoint: img:1, script: "echo ${{ trigger.branch == }}" }';
    const found = issues(flow(line));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'stages[1].actions[0].jobs[0].script', line: 14, message: expect.stringMatching(/^expression: unexpected end/) });
    // The error is at the closing braces, inside the quoted string.
    expect(found[0]!.column).toBe(line.indexOf('}}') + 1);
  });

  it('reports unknown contexts, properties and env names with hints', () => {
    const found = issues(
      flow(`          - { name: go, endpoint: img:1, if: "triger.branch == 'x'", inputs: { a: "\${{ run.idd }}", b: "\${{ env.MOD }}" } }`),
    );
    expect(found.map((i) => i.message)).toEqual([
      expect.stringContaining('unknown context "triger"; did you mean "trigger"?'),
      expect.stringContaining('"run" has no property "idd"; it has id, number'),
      expect.stringContaining('unknown environment variable "MOD"; did you mean "MODE"?'),
    ]);
  });

  it('reports job references that are unknown, undeclared or not finished yet', () => {
    const found = issues(
      flow(`          - name: go
            endpoint: img:1
            inputs:
              a: "\${{ jobs.tagg.outputs.VERSION }}"
              b: "\${{ jobs.tag.outputs.NOPE }}"
              c: "\${{ jobs.sibling.outputs.S }}"
              d: "\${{ jobs.tag.VERSION }}"
              e: "\${{ jobs.tag.result }}"`),
    );
    expect(found.map((i) => [i.path, i.message])).toEqual([
      ['stages[1].actions[0].jobs[0].inputs.a', expect.stringContaining('unknown job "tagg"; did you mean "tag"?')],
      ['stages[1].actions[0].jobs[0].inputs.b', expect.stringContaining('job build.version.tag does not declare output "NOPE"; it declares VERSION')],
      ['stages[1].actions[0].jobs[0].inputs.c', expect.stringContaining('job test.other.sibling has not finished')],
      ['stages[1].actions[0].jobs[0].inputs.d', expect.stringContaining('write jobs.<stage.action.job>.outputs.<KEY>')],
    ]);
  });

  it('checks stage and action conditions against what ran before them', () => {
    const found = issues(`uri: a/b/c
stages:
  - name: s1
    if: "jobs.late.result == 'succeeded'"
    actions:
      - { name: a, if: "jobs.j1.result == 'x'", jobs: [ { name: j1, endpoint: img:1 } ] }
  - name: s2
    actions:
      - { name: b, if: "\${{ jobs.j1.result == 'succeeded' }}", jobs: [ { name: late, endpoint: img:1 } ] }
`);
    expect(found.map((i) => [i.path, i.message])).toEqual([
      ['stages[0].if', expect.stringContaining('job s2.b.late has not finished')],
      ['stages[0].actions[0].if', expect.stringContaining('job s1.a.j1 has not finished')],
    ]);
  });

  it('keeps secrets out of conditions, flow-level env mixes, and mixed expressions', () => {
    const found = issues(
      flow(`          - { name: go, endpoint: img:1, if: "secrets.X == 'a'", inputs: { a: "\${{ format('{0}{1}', secrets.X, run.id) }}", b: "\${{ secrets['bad name'] }}" } }`),
    );
    expect(found.map((i) => i.message)).toEqual([
      expect.stringContaining('an if: condition cannot read secrets'),
      expect.stringContaining('an expression that reads secrets may read nothing else'),
      expect.stringContaining('"bad name" is not a secret name'),
    ]);
  });

  it('checks flow environments: no env or jobs there', () => {
    const found = issues(flow('          - { name: go, endpoint: img:1 }', 'environments: { A: "${{ jobs.tag.outputs.VERSION }}", B: "${{ trigger.commit }}" }\n').replace('environments: { MODE: fast }\n', ''));
    expect(found.map((i) => i.message)).toEqual([expect.stringContaining('flow environments cannot read "jobs"')]);
  });

  it('reports Lua syntax errors in hooks with the line inside the hook', () => {
    const found = issues(
      flow(`          - name: go
            endpoint: img:1
            post: |
              local x = 1
              if x then error("a")`),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'stages[1].actions[0].jobs[0].post', message: expect.stringMatching(/^Lua syntax error on line 3 of the hook: 'end' expected \(to close 'if' at line 2\)/) });
  });
});
