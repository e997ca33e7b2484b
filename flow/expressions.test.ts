import { describe, expect, it } from 'vitest';
import {
  ExpressionSyntaxError,
  contextsOf,
  evaluate,
  evaluateCondition,
  interpolate,
  parseCondition,
  parseExpression,
  parseTemplate,
  references,
  type ExprContexts,
} from './expressions/index.ts';

const ctx: ExprContexts = {
  trigger: { branch: 'main', commit: 'abc123', repo: { cloneUrl: 'https://git/x.git' }, labels: ['ci', 'urgent'], count: 3 },
  run: { id: 'a/b/c#4', number: 4 },
  flow: { uri: 'a/b/c', version: 2 },
  env: { MODE: 'fast' },
  jobs: { 'build.version.tag': { outputs: { VERSION: '1.2.3', 'my.key': 'dotted' }, result: 'succeeded' } },
};

const ev = (src: string) => evaluate(parseExpression(src), ctx);

describe('expressions', () => {
  it('reads contexts, nested properties and bracket keys', () => {
    expect(ev('trigger.branch')).toBe('main');
    expect(ev('trigger.repo.cloneUrl')).toBe('https://git/x.git');
    expect(ev("jobs['build.version.tag'].outputs['my.key']")).toBe('dotted');
    expect(ev('trigger.labels[1]')).toBe('urgent');
    expect(ev('trigger.missing.deeper')).toBeNull();
    expect(ev('nothing')).toBeNull();
  });

  it('never reaches JavaScript through inherited properties', () => {
    expect(ev('trigger.constructor')).toBeNull();
    expect(ev("trigger['__proto__']")).toBeNull();
    expect(ev('trigger.labels.length')).toBeNull();
    expect(ev("trigger.branch['length']")).toBeNull();
  });

  it('compares loosely as GitHub Actions does', () => {
    expect(ev("trigger.branch == 'MAIN'")).toBe(true);
    expect(ev("trigger.branch != 'main'")).toBe(false);
    expect(ev("trigger.count == '3'")).toBe(true);
    expect(ev('trigger.count > 2 && trigger.count <= 3')).toBe(true);
    expect(ev('null == 0')).toBe(true);
    expect(ev("'abc' == 1")).toBe(false);
    expect(ev('!(1 == 1) || run.number >= 4')).toBe(true);
  });

  it('short-circuits && and || and returns an operand', () => {
    expect(ev("env.NOPE || 'default'")).toBe('default');
    expect(ev("env.MODE && 'yes'")).toBe('yes');
    expect(ev("false && fromJSON('not json')")).toBe(false);
  });

  it('has GitHub-style functions', () => {
    expect(ev("contains(trigger.labels, 'CI')")).toBe(true);
    expect(ev("contains('hello world', 'WORLD')")).toBe(true);
    expect(ev("startsWith(trigger.branch, 'ma') && endsWith(trigger.branch, 'in')")).toBe(true);
    expect(ev("format('{0}-{1} {{x}}', flow.uri, run.number)")).toBe('a/b/c-4 {x}');
    expect(ev("join(trigger.labels, '+')")).toBe('ci+urgent');
    expect(ev("fromJSON('{\"a\":[1,2]}').a[1]")).toBe(2);
    expect(ev('toJSON(trigger.labels)')).toBe('[\n  "ci",\n  "urgent"\n]');
  });

  it('evaluates status functions from the run state', () => {
    const e = parseExpression('failure() || cancelled()');
    expect(evaluate(e, ctx, { failed: true, cancelled: false })).toBe(true);
    expect(evaluate(parseExpression('success()'), ctx, { failed: true, cancelled: false })).toBe(false);
    expect(evaluate(parseExpression('always()'), ctx, { failed: true, cancelled: true })).toBe(true);
  });

  it('interpolates templates and leaves deferred expressions as written', () => {
    expect(interpolate('v=${{ jobs["x"] }}'.replace('"x"', "'build.version.tag'") + '', ctx)).toBe('v={"outputs":{"VERSION":"1.2.3","my.key":"dotted"},"result":"succeeded"}');
    expect(interpolate('ref ${{ trigger.commit }} on ${{trigger.branch}}!', ctx)).toBe('ref abc123 on main!');
    expect(interpolate("a ${{ '}}' }} b", ctx)).toBe('a }} b');
    expect(interpolate('t=${{ secrets.TOKEN }} b=${{ trigger.branch }}', ctx, { defer: (e) => contextsOf(e).has('secrets') })).toBe(
      't=${{ secrets.TOKEN }} b=main',
    );
    expect(interpolate('no expressions $HOME {{ }}', ctx)).toBe('no expressions $HOME {{ }}');
  });

  it('accepts conditions with or without ${{ }}', () => {
    expect(evaluateCondition("trigger.branch == 'main'", ctx)).toBe(true);
    expect(evaluateCondition("${{ trigger.branch == 'dev' }}", ctx)).toBe(false);
    expect(evaluateCondition('true', ctx)).toBe(true);
    expect(evaluateCondition('0', ctx)).toBe(false);
  });

  it('lists references as static chains', () => {
    const refs = references(parseExpression("jobs.build.version.tag.outputs.VERSION == format('{0}', env['MODE']) && contains(trigger.labels, x)"));
    expect(refs.map((r) => r.segments.join('.'))).toEqual(['jobs.build.version.tag.outputs.VERSION', 'env.MODE', 'trigger.labels', 'x']);
    expect(refs[1]?.pos).toBe(56);
  });

  it('reports syntax errors with their offset', () => {
    const offsetOf = (f: () => unknown): number => {
      try {
        f();
      } catch (err) {
        if (err instanceof ExpressionSyntaxError) return err.offset;
        throw err;
      }
      throw new Error('no error');
    };
    expect(offsetOf(() => parseExpression('a == '))).toBe(5);
    expect(offsetOf(() => parseExpression("'open"))).toBe(0);
    expect(offsetOf(() => parseExpression('a ==== b'))).toBe(4);
    expect(offsetOf(() => parseTemplate('x ${{ a.b '))).toBe(5);
    expect(offsetOf(() => parseTemplate('x ${{ a @ b }}'))).toBe(8);
    expect(() => parseExpression('nope(1)')).toThrow(/unknown function "nope"/);
    expect(() => parseExpression('constructor()')).toThrow(ExpressionSyntaxError);
    expect(() => parseExpression('__proto__()')).toThrow(/unknown function "__proto__"/);
    expect(() => parseExpression('contains(1)')).toThrow(/contains\(\) takes 2 arguments, got 1/);
    expect(() => parseCondition('${{ }}')).toThrow(/empty expression/);
    expect(() => parseExpression('('.repeat(500) + '1' + ')'.repeat(500))).toThrow(/nested too deeply/);
  });

  it('resolves job references by full path or bare name', () => {
    const resolveJob = (ref: string) => (ref === 'tag' || ref === 'build.version.tag' ? 'build.version.tag' : undefined);
    expect(interpolate('${{ jobs.build.version.tag.outputs.VERSION }}/${{ jobs.tag.outputs.VERSION }}', ctx, { resolveJob })).toBe('1.2.3/1.2.3');
    expect(interpolate("${{ jobs.tag.outputs['my.key'] }} ${{ jobs.tag.result }}", ctx, { resolveJob })).toBe('dotted succeeded');
    expect(evaluateCondition("jobs.tag.result == 'succeeded'", ctx, { resolveJob })).toBe(true);
    expect(interpolate('${{ jobs.nope.outputs.X }}', ctx, { resolveJob })).toBe('');
  });

  it('is deterministic: the same input gives the same output', () => {
    const e = parseExpression("format('{0}{1}', run.id, toJSON(trigger))");
    expect(evaluate(e, ctx)).toBe(evaluate(e, structuredClone(ctx)));
  });
});
