/**
 * The YAML editor: CodeMirror 6 with YAML highlighting, line numbers,
 * history (undo/redo), and lint marks the page sets from the validator.
 * The document keeps the file's own line separator, so the text given back
 * is byte for byte the text loaded until the user edits it.
 */
import { EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { useEffect, useRef } from 'preact/hooks';
import { lineSeparatorOf, textOf } from './cm-text.ts';

export interface CodeEditorProps {
  /** The text the editor opens with (read once, when it mounts). */
  readonly initial: string;
  /** Every change of the text. */
  readonly onChange: (text: string) => void;
  /** The view, once created, for edits, diagnostics and jumps. */
  readonly onView: (view: EditorView | undefined) => void;
}

export function CodeEditor({ initial, onChange, onView }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          EditorState.lineSeparator.of(lineSeparatorOf(initial)),
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle),
          yaml(),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.contentAttributes.of({ 'aria-label': 'flow YAML' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(textOf(u.state));
          }),
        ],
      }),
    });
    onView(view);
    return () => {
      onView(undefined);
      view.destroy();
    };
    // The editor is created once per mount; the page remounts it (key) to load another text.
  }, []);
  return <div class="code-editor" ref={host} />;
}
