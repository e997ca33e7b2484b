/**
 * Each edit of the graph, on block-style and flow-style YAML with comments
 * and on real flow files: the result still validates with the real parser,
 * only the expected lines change (everything before and after is the same
 * text), and a rename rewrites the references to the renamed node.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlowWithWarnings, validateFlow } from '../../../flow/index.ts';
import { addAction, addJob, addStage, EditRefused, linkOutput, moveNode, removeNode, renameNode } from './edit-ops.ts';
import { readOutline, type Outline } from './outline.ts';
import { applyEdits, type TextEdit } from './text-edit.ts';

const BLOCK = `# the build flow
uri: acme/shop/ci   # where it lives
stages:
  - { type: start, name: start }

  # build everything
  - name: build
    actions:
      - name: compile   # the compiler
        jobs:
          - name: gcc
            endpoint: coflow/shell:1.0.0
            outputs: [ARTIFACT]
            script: echo ARTIFACT=a >> "$CO_OUTPUTS"
      - name: check
        jobs:
          - name: lint
            endpoint: coflow/shell:1.0.0
            script: 'echo \${{ jobs.gcc.outputs.ARTIFACT }}'
  - name: ship
    actions:
      - name: upload
        jobs:
          - name: push
            endpoint: coflow/shell:1.0.0
            subscriptions:
              - "build.compile.gcc[ARTIFACT]": ART
  # always
  - type: end
    name: end
`;

const FLOW = `uri: acme/shop/flowy
stages: [
  { type: start, name: start },
  { name: build, actions: [ { name: compile, jobs: [ { name: gcc, endpoint: coflow/shell:1.0.0, outputs: [ARTIFACT] } ] } ] },  # one line
  { name: ship, actions: [ { name: upload, jobs: [ { name: push, endpoint: coflow/shell:1.0.0, script: "echo \${{ jobs.build.compile.gcc.outputs.ARTIFACT }}" } ] } ] },
  { type: end, name: end }
]
`;

const real = (name: string): string => readFileSync(resolve(import.meta.dirname, '../../../flow/testdata', name), 'utf8');

function outlineOf(text: string): Outline {
  const read = readOutline(text);
  if (!read.ok) throw new Error(read.reason);
  return read.outline;
}

/** Applies the edits, checks the result validates and returns the lines that changed (before → after). */
function edit(text: string, make: (o: Outline) => TextEdit[], validate = true): { after: string; removed: string[]; added: string[] } {
  const after = applyEdits(text, make(outlineOf(text)));
  if (validate) parseFlowWithWarnings(after); // throws with the issues when the edit broke the flow
  const a = text.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { after, removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

const comments = (text: string): string[] => text.split('\n').filter((l) => l.includes('# '));

describe('editing block-style YAML with comments', () => {
  it('adds a stage before the end stage, an action and a job, each as new lines only', () => {
    const stage = edit(BLOCK, (o) => addStage(o, 'deploy'));
    expect(stage.removed).toEqual([]);
    expect(stage.added).toEqual(['  - name: deploy']);
    expect(stage.after.indexOf('name: deploy')).toBeLessThan(stage.after.indexOf('# always'));
    const action = edit(stage.after, (o) => addAction(o, 'deploy', 'roll'));
    expect(action.removed).toEqual([]);
    expect(action.added).toEqual(['    actions:', '      - name: roll', '        jobs:', '          - name: roll', '            endpoint: coflow/shell:1.0.0', '            script: echo roll']);
    const job = edit(BLOCK, (o) => addJob(o, 'build.check', 'vet'));
    expect(job.removed).toEqual([]);
    expect(job.added).toEqual(['          - name: vet', '            endpoint: coflow/shell:1.0.0', '            script: echo vet']);
    expect(comments(job.after)).toEqual(comments(BLOCK));
  });

  it('removes a job, an action and a stage with their lines only', () => {
    const job = edit(BLOCK.replace('      - name: check', '          - name: cc\n            endpoint: coflow/shell:1.0.0\n      - name: check'), (o) => removeNode(o, { kind: 'job', id: 'build.compile.cc' }));
    expect(job.after).toBe(BLOCK);
    const action = edit(BLOCK, (o) => removeNode(o, { kind: 'action', id: 'build.check' }));
    expect(action.removed).toEqual(['      - name: check', '        jobs:', '          - name: lint', '            endpoint: coflow/shell:1.0.0', "            script: 'echo ${{ jobs.gcc.outputs.ARTIFACT }}'"]);
    expect(action.added).toEqual([]);
    expect(() => removeNode(outlineOf(BLOCK), { kind: 'job', id: 'ship.upload.push' })).toThrow(EditRefused);
    const ship = applyEdits(BLOCK, removeNode(outlineOf(BLOCK), { kind: 'stage', id: 'ship' }));
    expect(ship).not.toContain('name: ship');
    expect(comments(ship)).toEqual(comments(BLOCK));
  });

  it('renames a job and rewrites the subscription key and the expression that name it', () => {
    const r = edit(BLOCK, (o) => renameNode(o, { kind: 'job', id: 'build.compile.gcc' }, 'clang'));
    expect(r.after).toBe(BLOCK.replace('name: gcc', 'name: clang').replace('jobs.gcc.', 'jobs.clang.').replace('"build.compile.gcc[', '"build.compile.clang['));
    const stage = applyEdits(BLOCK, renameNode(outlineOf(BLOCK), { kind: 'stage', id: 'build' }, 'make'));
    expect(stage).toContain('"make.compile.gcc[ARTIFACT]": ART');
    expect(stage).toContain('jobs.gcc.outputs'); // a short reference does not name the stage
    expect(() => renameNode(outlineOf(BLOCK), { kind: 'stage', id: 'build' }, 'ship')).toThrow(/already a stage named "ship"/);
    expect(() => renameNode(outlineOf(BLOCK), { kind: 'job', id: 'build.compile.gcc' }, 'a.b')).toThrow(/not a valid job name/);
  });

  it('moves a stage, an action and a job, swapping only their lines', () => {
    // This move breaks the link order (lint reads gcc, now after it): the parser refuses it, not the edit.
    const actions = edit(BLOCK, (o) => moveNode(o, { kind: 'action', id: 'build.check' }, -1), false);
    expect(actions.removed.toSorted()).toEqual(actions.added.toSorted());
    expect(actions.added[0]).toBe('      - name: check');
    expect(validateFlow(actions.after).ok).toBe(false);
    const gcc = '          - name: gcc\n            endpoint: coflow/shell:1.0.0\n            outputs: [ARTIFACT]\n            script: echo ARTIFACT=a >> "$CO_OUTPUTS"\n';
    const cc = '          - name: cc\n            endpoint: coflow/shell:1.0.0\n';
    const jobs = edit(BLOCK.replace(gcc, gcc + cc), (o) => moveNode(o, { kind: 'job', id: 'build.compile.cc' }, -1));
    expect(jobs.after).toBe(BLOCK.replace(gcc, cc + gcc));
    expect(() => moveNode(outlineOf(BLOCK), { kind: 'stage', id: 'start' }, -1)).toThrow(/already first/);
    const stages = applyEdits(BLOCK, moveNode(outlineOf(BLOCK), { kind: 'stage', id: 'ship' }, 1));
    expect(stages.indexOf('name: end')).toBeLessThan(stages.indexOf('name: ship'));
    expect(stages.endsWith('\n')).toBe(true);
  });

  it('links an output to a later job: a subscriptions entry, the output declared when missing', () => {
    const r = edit(BLOCK, (o) => linkOutput(o, { from: 'build.check.lint', output: 'REPORT', to: 'ship.upload.push', env: 'LINT_REPORT' }));
    expect(r.after).toBe(BLOCK
      .replace("ARTIFACT }}'\n", "ARTIFACT }}'\n            outputs:\n              - REPORT\n")
      .replace('[ARTIFACT]": ART\n', '[ARTIFACT]": ART\n              - "build.check.lint[REPORT]": LINT_REPORT\n'));
    const spec = parseFlowWithWarnings(r.after).flow;
    const push = spec.stages[2]!.actions[0]!.jobs[0]!;
    expect(push.subscriptions.map((s) => `${s.from}[${s.output}]`)).toEqual(['build.compile.gcc[ARTIFACT]', 'build.check.lint[REPORT]']);
    expect(() => linkOutput(outlineOf(BLOCK), { from: 'ship.upload.push', output: 'X', to: 'build.compile.gcc', env: 'X' })).toThrow(/link to a later job/);
  });
});

describe('editing flow-style YAML', () => {
  it('adds, links, renames and moves inside brackets, keeping the comment', () => {
    const job = edit(FLOW, (o) => addJob(o, 'build.compile', 'vet'));
    expect(job.after).toContain('outputs: [ARTIFACT] }, { name: vet, endpoint: coflow/shell:1.0.0, script: echo vet } ] } ] },  # one line');
    const stage = edit(FLOW, (o) => addStage(o, 'deploy'));
    expect(stage.added).toEqual(['  { name: deploy }, { type: end, name: end }']);
    const link = edit(FLOW, (o) => linkOutput(o, { from: 'build.compile.gcc', output: 'ARTIFACT', to: 'ship.upload.push', env: 'ART' }));
    expect(link.after).toContain('subscriptions: [ { "build.compile.gcc[ARTIFACT]": ART } ] } ] } ] },');
    const rename = edit(FLOW, (o) => renameNode(o, { kind: 'action', id: 'build.compile' }, 'make'));
    expect(rename.after).toBe(FLOW.replace('name: compile', 'name: make').replace('jobs.build.compile.gcc', 'jobs.build.make.gcc'));
    const moved = applyEdits(FLOW, moveNode(outlineOf(FLOW), { kind: 'stage', id: 'build' }, 1));
    expect(moved.indexOf('name: ship')).toBeLessThan(moved.indexOf('name: build'));
    expect(moved).toContain('# one line');
    const removed = edit(FLOW, (o) => removeNode(o, { kind: 'action', id: 'build.compile' }), false);
    expect(removed.added).toEqual(['  { name: build, actions: [] },  # one line']);
  });
});

describe('editing real flow files', () => {
  it('spec-example.yaml: a job added, a stage renamed, a link made — only those spans change', () => {
    const text = real('spec-example.yaml');
    const job = edit(text, (o) => addJob(o, 'test.lint', 'vet'));
    expect(job.removed).toEqual([]);
    expect(job.added).toEqual(['          - name: vet', '            endpoint: coflow/shell:1.0.0', '            script: echo vet']);
    const rename = edit(text, (o) => renameNode(o, { kind: 'stage', id: 'test' }, 'check'));
    expect(rename.after).toBe(text.replace('name: test\n', 'name: check\n').replace('"test.unit.go-test[', '"check.unit.go-test['));
    expect(comments(rename.after)).toEqual(comments(text).map((l) => l.replace('"test.unit', '"check.unit')));
  });

  it('servicecomb.yml (ContainerOps layout, unnamed jobs): rename an unnamed job, move an action', () => {
    const text = real('containerops/servicecomb.yml');
    const o = outlineOf(text);
    const first = o.jobs[0]!;
    const r = edit(text, (x) => renameNode(x, { kind: 'job', id: first.path }, 'checkstyle'));
    expect(r.removed).toEqual([]);
    expect(r.added).toEqual(['            name: checkstyle']);
    const m = edit(text, (x) => moveNode(x, { kind: 'action', id: `${o.stages[1]!.name}.${o.stages[1]!.actions[1]!.name}` }, -1));
    expect(m.removed.toSorted()).toEqual(m.added.toSorted());
    expect(text.split('\n').length).toBe(m.after.split('\n').length);
  });
});
