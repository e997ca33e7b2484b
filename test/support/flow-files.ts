/**
 * Test support (node only): every flow file in the repository — YAML files
 * with a top-level `stages:` under flow/, test/, components/ and docs/, and
 * the flow examples (```yaml blocks with `uri:` and `stages:`) of README.md and
 * docs/, and the flows tests write inline (template literals without
 * interpolation under test/).
 */
import { globSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface FlowFile {
  readonly name: string;
  readonly text: string;
}

export function repositoryFlowFiles(): FlowFile[] {
  const files = globSync(['flow/**/*.{yml,yaml}', 'test/**/*.{yml,yaml}', 'components/**/*.{yml,yaml}', 'docs/**/*.{yml,yaml}'], { cwd: root })
    .map((name) => ({ name, text: readFileSync(resolve(root, name), 'utf8') }))
    .filter((f) => /^stages:/m.test(f.text));
  const examples = globSync(['README.md', 'docs/**/*.md', 'components/**/*.md'], { cwd: root }).flatMap((name) => {
    const md = readFileSync(resolve(root, name), 'utf8');
    return [...md.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)]
      .map((m, i) => ({ name: `${name} example ${i + 1}`, text: m[1]! }))
      .filter((f) => /^stages:/m.test(f.text) && /^uri:/m.test(f.text));
  });
  const inline = globSync('test/**/*.ts', { cwd: root }).flatMap((name) => {
    const source = readFileSync(resolve(root, name), 'utf8');
    return [...source.matchAll(/`(uri: [^`$\\]*\nstages:[^`$\\]*)`/g)].map((m, i) => ({ name: `${name} flow ${i + 1}`, text: m[1]! }));
  });
  return [...files, ...examples, ...inline];
}
