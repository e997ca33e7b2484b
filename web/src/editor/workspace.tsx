/**
 * The editor's workspace: the YAML (CodeMirror) beside the graph drawn from
 * it. Typing re-reads the outline (the graph follows; while the text does not
 * parse, the last good graph stays, marked stale) and, 300 ms after the last
 * key, asks the validator, whose problems are marked at their line:column and
 * listed under the editor. Edits on the graph become one CodeMirror
 * transaction of minimal text edits (one undo step).
 */
import type { EditorView } from '@codemirror/view';
import { setDiagnostics } from '@codemirror/lint';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { GraphView, type GraphSelection } from '../graph/graph-view.tsx';
import { layoutGraph } from '../graph/layout.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { ApplyPanel } from './apply-panel.tsx';
import { changesOf, textOf } from './cm-text.ts';
import { CodeEditor } from './code-editor.tsx';
import { EditToolbar, type Edit } from './edit-toolbar.tsx';
import { EditRefused } from './edit-ops.ts';
import { readOutline, type Outline } from './outline.ts';
import { graphOfOutline } from './outline-graph.ts';
import { ProblemList } from './problem-list.tsx';
import { diagnosticsOf, positionOf, validate, type Problem } from './validation.ts';

export const VALIDATE_DELAY_MS = 300;

/** Asks the validator about `text` once typing pauses; returns its problems, its failure and whether an answer is pending. */
function useValidation(text: string, view: EditorView | undefined) {
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [pending, setPending] = useState(true);
  useEffect(() => {
    setPending(true);
    const abort = new AbortController();
    const timer = setTimeout(() => {
      validate(text, abort.signal).then((result) => {
        setPending(false);
        setFailure(result.kind === 'failed' ? result.error : undefined);
        const found = result.kind === 'failed' ? [] : result.problems;
        setProblems(found);
        if (view && textOf(view.state) === text) view.dispatch(setDiagnostics(view.state, diagnosticsOf(view.state.doc, found)));
      }, () => undefined); // aborted: a newer text is being checked
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text, view]);
  return { problems, setProblems, failure, pending };
}

/** `empty`: the text "Start from an empty flow" puts in the editor (new flows only). */
export function Workspace({ initial, empty }: { initial: string; empty?: string | undefined }) {
  const [text, setText] = useState(initial);
  const [view, setView] = useState<EditorView>();
  const [selected, setSelected] = useState<GraphSelection>();
  const { problems, setProblems, failure, pending } = useValidation(text, view);
  const read = useMemo(() => readOutline(text), [text]);
  const lastGood = useRef<Outline>(undefined);
  if (read.ok) lastGood.current = read.outline;
  const outline = lastGood.current;
  const graph = useMemo(() => (outline ? graphOfOutline(outline) : undefined), [outline]);
  const layout = useMemo(() => (graph ? layoutGraph(graph) : undefined), [graph]);

  // A selection whose node is gone (removed, renamed) is dropped.
  useEffect(() => {
    if (!selected || !graph) return;
    const exists = selected.kind === 'stage' ? graph.stages.some((s) => s.name === selected.id)
      : selected.kind === 'action' ? graph.stages.some((s) => s.actions.some((a) => `${s.name}.${a.name}` === selected.id))
      : graph.stages.some((s) => s.actions.some((a) => a.jobs.some((j) => j.path === selected.id)));
    if (!exists) setSelected(undefined);
  }, [graph, selected]);

  const onEdit = (edit: Edit): string | undefined => {
    if (!view) return 'the editor is not ready';
    const current = textOf(view.state);
    const now = readOutline(current);
    if (!now.ok) return `the YAML does not parse (${now.reason}): fix it in the text first`;
    try {
      view.dispatch({ changes: changesOf(current, edit(now.outline)), userEvent: 'input.graph', scrollIntoView: true });
      return undefined;
    } catch (err) {
      return err instanceof EditRefused ? err.message : `edit failed: ${(err as Error).message}`;
    }
  };
  const jump = (p: Problem) => {
    if (!view) return;
    const pos = positionOf(view.state.doc, p.line, p.column);
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    view.focus();
  };
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <div class="flow-editor">
      <div class="editor-pane">
        <div class="editor-status">
          <span class="validity" role="status" aria-live="polite">
            {!read.ok ? <span class="status-bad">YAML does not parse: {read.reason}</span>
              : pending ? <span class="muted">checking…</span>
              : errors > 0 ? <span class="status-bad">{errors} error{errors === 1 ? '' : 's'}</span>
              : <span class="status-good">valid{problems.length > 0 ? `, ${problems.length} warning${problems.length === 1 ? '' : 's'}` : ''}</span>}
          </span>
          {empty ? <button type="button" class="link" onClick={() => view && view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: empty } })}>Start from an empty flow</button> : null}
        </div>
        <CodeEditor initial={initial} onChange={setText} onView={setView} />
        {failure ? <ErrorBox error={failure} title="The validator did not answer" /> : null}
        <ProblemList problems={problems} onJump={jump} />
        <ApplyPanel text={() => (view ? textOf(view.state) : text)} onProblems={(p) => {
          setProblems(p);
          if (view) view.dispatch(setDiagnostics(view.state, diagnosticsOf(view.state.doc, p)));
        }} />
      </div>
      <div class={`graph-pane${read.ok ? '' : ' stale'}`}>
        <EditToolbar outline={read.ok ? read.outline : undefined} selected={selected} onEdit={onEdit} />
        {!read.ok && outline ? <p class="stale-note" role="note">The graph shows the last text that parsed.</p> : null}
        {layout ? <GraphView layout={layout} selected={selected} onSelect={setSelected} label="flow being edited" /> : <p class="muted">No graph yet: the text does not parse.</p>}
      </div>
    </div>
  );
}
