/**
 * Opening a flow and applying it without edits sends exactly the text
 * loaded: for every flow file in the repository, the editor's document
 * (CodeMirror state with the file's line separator) and its outline give
 * back the same bytes, and the outline finds every job the parser finds.
 */
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { parseFlowWithWarnings } from '../../../flow/index.ts';
import { repositoryFlowFiles } from '../../../test/support/flow-files.ts';
import { readOutline } from './outline.ts';
import { lineSeparatorOf, textOf } from './cm-text.ts';

const files = repositoryFlowFiles();

describe('round trip of every flow file in the repository', () => {
  it('finds the flow files', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files.map((f) => [f.name, f.text] as const))('%s comes back byte for byte', (_, text) => {
    const state = EditorState.create({ doc: text, extensions: [EditorState.lineSeparator.of(lineSeparatorOf(text))] });
    expect(textOf(state)).toBe(text);
    const read = readOutline(textOf(state));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.outline.text).toBe(text);
    let parsed;
    try {
      parsed = parseFlowWithWarnings(text).flow;
    } catch {
      return; // an invalid example (kept to test errors): the bytes are what counts
    }
    const paths = parsed.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs.map((j) => j.path)));
    expect(read.outline.jobs.map((j) => j.path)).toEqual(paths);
  });

  it('keeps CRLF line breaks and a missing final newline', () => {
    const text = 'uri: a/b/c\r\nstages:\r\n  - name: s # c\r\n    actions: []';
    const state = EditorState.create({ doc: text, extensions: [EditorState.lineSeparator.of(lineSeparatorOf(text))] });
    expect(textOf(state)).toBe(text);
  });
});
