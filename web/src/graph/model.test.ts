import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../../flow/index.ts';
import { graphOfSpec } from './model.ts';

describe('graph labels', () => {
  it('say where a deploy job deploys and how, and where a marked job deploys', () => {
    const flow = parseFlow(`uri: acme/shop/ci
stages:
  - name: ship
    actions:
      - name: a
        jobs:
          - name: build
            endpoint: alpine
            script: 'echo "[COUT] TAG=1"'
            outputs: [TAG]
          - name: kubectl
            endpoint: bitnami/kubectl
            deployment: { environment: dev }
          - name: prod
            type: deploy
            deploy:
              environment: prod
              strategy: blue-green
              blueGreen: { service: shop }
              manifest: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: c }\\ndata: { tag: '\${{ jobs.build.outputs.TAG }}' }"
`);
    const graph = graphOfSpec(flow);
    expect(graph.stages[0]?.actions[0]?.jobs.map((j) => j.detail)).toEqual(['alpine', 'bitnami/kubectl → dev', 'deploy → prod (blue-green)']);
    // The manifest's expressions are data links like a script's.
    expect(graph.edges).toContainEqual(expect.objectContaining({ from: 'ship.a.build', to: 'ship.a.prod', kind: 'expression' }));
  });
});
