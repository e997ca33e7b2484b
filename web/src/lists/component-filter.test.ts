import { describe, expect, it } from 'vitest';
import { compareVersionText, filterComponents, groupComponents, type ComponentRow } from './component-filter.ts';

const row = (name: string, version: string, extra: Partial<ComponentRow> = {}): ComponentRow => ({
  namespace: 'library', name, version, image: `coflow/${name}:${version}`, inputs: [], outputs: [], ...extra,
});

describe('component catalog view', () => {
  it('groups versions per component, newest first by number, not text', () => {
    expect(compareVersionText('1.10.0', '1.9.0')).toBeGreaterThan(0);
    const groups = groupComponents([row('shell', '1.9.0'), row('git', '1.0.0'), row('shell', '1.10.0')]);
    expect(groups.map((g) => [g.id, g.versions])).toEqual([['library/git', ['1.0.0']], ['library/shell', ['1.10.0', '1.9.0']]]);
    expect(groups[1]!.latest.version).toBe('1.10.0');
  });

  it('filters by every word against name, description and input/output names', () => {
    const groups = groupComponents([
      row('shell', '1.0.0', { description: 'Runs a script', inputs: [{ name: 'script', required: true, secret: false }] }),
      row('git', '1.0.0', { description: 'Clones a repository', outputs: [{ name: 'commit' }] }),
    ]);
    expect(filterComponents(groups, 'COMMIT').map((g) => g.id)).toEqual(['library/git']);
    expect(filterComponents(groups, 'runs script').map((g) => g.id)).toEqual(['library/shell']);
    expect(filterComponents(groups, 'runs commit')).toEqual([]);
    expect(filterComponents(groups, '  ')).toHaveLength(2);
  });
});
