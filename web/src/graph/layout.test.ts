import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../../flow/index.ts';
import { layoutGraph } from './layout.ts';
import { graphOfSpec } from './model.ts';

const example = parseFlow(readFileSync(join(import.meta.dirname, '../../../flow/testdata/spec-example.yaml'), 'utf8'));

describe('the flow graph', () => {
  it('puts stages in columns left to right and every job in its stage column, none overlapping', () => {
    const layout = layoutGraph(graphOfSpec(example));
    expect(layout.stages.map((s) => s.name)).toEqual(example.stages.map((s) => s.name));
    for (let i = 1; i < layout.stages.length; i++) expect(layout.stages[i]!.x).toBeGreaterThan(layout.stages[i - 1]!.x + layout.stages[i - 1]!.width);
    const count = example.stages.reduce((n, s) => n + s.actions.reduce((m, a) => m + a.jobs.length, 0), 0);
    expect(layout.jobs).toHaveLength(count);
    for (const job of layout.jobs) {
      const stage = layout.stages[job.column]!;
      expect(job.x).toBeGreaterThanOrEqual(stage.x);
      expect(job.x + job.width).toBeLessThanOrEqual(stage.x + stage.width);
      const overlapping = layout.jobs.filter((o) => o !== job && o.column === job.column && o.y < job.y + job.height && job.y < o.y + o.height);
      expect(overlapping).toEqual([]);
    }
  });

  it('draws a data link for each subscription and each jobs.….outputs reference', () => {
    const flow = parseFlow(`
uri: t/graph/links
stages:
  - name: build
    actions:
      - name: compile
        jobs:
          - name: make
            endpoint: busybox
            outputs: [IMAGE]
  - name: test
    actions:
      - name: check
        jobs:
          - name: sub
            endpoint: busybox
            subscriptions: [{ "build.compile.make[IMAGE]": IMAGE }]
          - name: expr
            endpoint: busybox
            environments: { TAG: "\${{ jobs.make.outputs.IMAGE }}" }
`);
    const graph = graphOfSpec(flow);
    expect(graph.edges.map((e) => [e.from, e.to, e.kind, e.label])).toEqual([
      ['build.compile.make', 'test.check.sub', 'subscription', 'IMAGE'],
      ['build.compile.make', 'test.check.expr', 'expression', 'IMAGE'],
    ]);
    expect(layoutGraph(graph).edges).toHaveLength(2);
  });
});
