import { describe, expect, it } from 'vitest';
import type { FlowIssue } from './errors.ts';
import { parseFlow, validateFlow } from './parse.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const JOB = ['stages:', '  - name: s', '    actions:', '      - name: a', '        jobs:'];
/** A flow with `inputs:` lines (from line 2) and one job line using them. */
const flow = (inputLines: string[], job = '- { name: j, endpoint: img:1, script: "echo ${{ inputs.target }}" }', extra: string[] = []): string =>
  yaml('uri: acme/shop/deploy', ...extra, 'inputs:', ...inputLines.map((l) => `  ${l}`), ...JOB, `          ${job}`);

function issues(text: string): [string, number, number, string][] {
  const r = validateFlow(text);
  if (r.ok) throw new Error('expected the flow to be rejected');
  return r.issues.map((i: FlowIssue) => [i.path, i.line, i.column, i.message]);
}

describe('flow inputs', () => {
  it('reads the long and the short form into the model', () => {
    const f = parseFlow(
      flow([
        'target: { description: where to deploy, required: true, options: [staging, production] }',
        'replicas: 2',
        'note:',
        'mode: { default: fast, options: [fast, slow] }',
      ]),
    );
    expect(f.inputs).toEqual({
      target: { description: 'where to deploy', required: true, options: ['staging', 'production'] },
      replicas: { default: '2', required: false },
      note: { required: false },
      mode: { default: 'fast', required: false, options: ['fast', 'slow'] },
    });
    expect(Object.keys(f.inputs ?? {})).toEqual(['target', 'replicas', 'note', 'mode']);
    expect(parseFlow(yaml('uri: a/b/c', ...JOB, '          - { name: j, endpoint: img:1 }')).inputs).toBeUndefined();
  });

  it('rejects bad inputs at their line:column', () => {
    expect(
      issues(
        flow([
          'target: { requird: true }',
          '1bad: x',
          'both: { required: true, default: a }',
          'outside: { default: c, options: [a, b] }',
          'bare: { options: [a, b] }',
          'twice: { required: true, options: [a, a] }',
          'list: [a, b]',
        ]),
      ),
    ).toEqual([
      ['inputs.target.requird', 3, 13, 'unknown field "requird"; did you mean "required"?'],
      ['inputs["1bad"]', 4, 3, '"1bad" is not an input name (a letter or _, then letters, digits, _ and -)'],
      ['inputs.both.required', 5, 21, 'a required input takes no default (the default would always fill it in); drop "required" or "default"'],
      ['inputs.outside.default', 6, 23, 'default "c" is not one of the options (a, b)'],
      ['inputs.bare.options', 7, 20, 'an input with options needs a default (one of them) or "required: true"'],
      ['inputs.twice.options', 8, 37, 'option "a" is listed twice'],
      ['inputs.list', 9, 9, 'an input is a default value or a mapping of description, default, required, options'],
    ]);
  });

  it('refuses a required input without default when triggers start runs without inputs', () => {
    const text = flow(['target: { required: true }'], undefined, ['triggers: [ { schedule: { cron: "0 3 * * *" } } ]']);
    expect(issues(text)).toEqual([
      ['inputs.target', 4, 11, 'input "target" is required and has no default, but the flow\'s triggers (schedule) start runs without inputs; give it a default'],
    ]);
    expect(parseFlow(flow(['target: staging'], undefined, ['triggers: [ { schedule: { cron: "0 3 * * *" } } ]'])).inputs).toEqual({ target: { default: 'staging', required: false } });
  });

  it('makes an unknown inputs.NAME an error at the expression, everywhere expressions are', () => {
    expect(issues(flow(['target: staging'], '- { name: j, endpoint: img:1, script: "echo ${{ inputs.targt }}" }'))).toEqual([
      ['stages[0].actions[0].jobs[0].script', 9, 59, 'expression: unknown input "targt"; did you mean "target"? (the flow declares target under "inputs:")'],
    ]);
    expect(issues(flow(['target: staging'], '- { name: j, endpoint: img:1, if: "inputs.other == \'x\'" }'))).toEqual([
      ['stages[0].actions[0].jobs[0].if', 9, 46, 'expression: unknown input "other" (the flow declares target under "inputs:")'],
    ]);
    const none = yaml('uri: a/b/c', 'environments: { T: "${{ inputs.target }}" }', ...JOB, '          - { name: j, endpoint: img:1 }');
    expect(issues(none)).toEqual([['environments.T', 2, 25, 'expression: unknown input "target" (the flow declares no inputs under "inputs:")']]);
    // Declared: readable in flow environments, conditions and job fields; a bad declaration is not reported twice.
    expect(validateFlow(flow(['target: staging'], '- { name: j, endpoint: img:1, if: "inputs.target == \'staging\'", inputs: { t: "${{ inputs.target }}" } }')).ok).toBe(true);
    expect(issues(flow(['target: { required: yes }']))).toHaveLength(1);
  });
});
