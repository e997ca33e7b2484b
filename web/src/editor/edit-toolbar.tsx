/**
 * The edit actions on the graph's selection: add a stage / action / job,
 * rename, remove, move, and link an output to a later job. Each asks what it
 * needs in a small inline form and hands the page a function from the
 * current outline to text edits; a refused edit shows its reason.
 */
import { useState } from 'preact/hooks';
import type { GraphSelection } from '../graph/graph-view.tsx';
import { addAction, addJob, addStage, linkOutput, moveNode, removeNode, renameNode, type Target } from './edit-ops.ts';
import type { Outline } from './outline.ts';
import type { TextEdit } from './text-edit.ts';

export type Edit = (outline: Outline) => TextEdit[];

interface Props {
  readonly outline: Outline | undefined;
  readonly selected: GraphSelection | undefined;
  /** Applies an edit; returns the reason when it was refused. */
  readonly onEdit: (edit: Edit) => string | undefined;
}

type Form = { kind: 'name'; label: string; initial: string; make: (name: string) => Edit } | { kind: 'link'; from: string };

const stageOfSelection = (s: GraphSelection): string => (s.kind === 'stage' ? s.id : s.id.split('.')[0]!);
const actionOfSelection = (s: GraphSelection): string | undefined => (s.kind === 'stage' ? undefined : s.id.split('.').slice(0, 2).join('.'));

export function EditToolbar({ outline, selected, onEdit }: Props) {
  const [form, setForm] = useState<Form>();
  const [refused, setRefused] = useState<string>();
  const run = (edit: Edit): boolean => {
    const reason = onEdit(edit);
    setRefused(reason);
    return reason === undefined;
  };
  const ask = (label: string, initial: string, make: (name: string) => Edit) => {
    setRefused(undefined);
    setForm({ kind: 'name', label, initial, make });
  };
  const target: Target | undefined = selected;
  const action = selected ? actionOfSelection(selected) : undefined;
  const name = selected ? selected.id.split('.').pop()! : '';
  const vertical = selected?.kind !== 'stage';
  const disabled = outline === undefined;
  return (
    <div class="edit-toolbar" role="toolbar" aria-label="edit the flow">
      <div class="edit-buttons">
        <span class="selection">{selected ? `${selected.kind} ${selected.id}` : 'nothing selected: click a stage, action or job'}</span>
        <button disabled={disabled} onClick={() => ask('New stage name', '', (n) => (o) => addStage(o, n, selected ? stageOfSelection(selected) : undefined))}>Add stage</button>
        <button disabled={disabled || !selected} onClick={() => ask('New action name', '', (n) => (o) => addAction(o, stageOfSelection(selected!), n))}>Add action</button>
        <button disabled={disabled || !action} onClick={() => ask('New job name', '', (n) => (o) => addJob(o, action!, n))}>Add job</button>
        <button disabled={disabled || !target} onClick={() => ask(`Rename ${target!.kind}`, name, (n) => (o) => renameNode(o, target!, n))}>Rename</button>
        <button disabled={disabled || !target} onClick={() => run((o) => moveNode(o, target!, -1))}>{vertical ? 'Move up' : 'Move left'}</button>
        <button disabled={disabled || !target} onClick={() => run((o) => moveNode(o, target!, 1))}>{vertical ? 'Move down' : 'Move right'}</button>
        <button disabled={disabled || !target} onClick={() => run((o) => removeNode(o, target!))}>Remove</button>
        <button disabled={disabled || selected?.kind !== 'job'} onClick={() => { setRefused(undefined); setForm({ kind: 'link', from: selected!.id }); }}>Link output…</button>
      </div>
      {form?.kind === 'name' ? <NameForm key={form.label} label={form.label} initial={form.initial} onCancel={() => setForm(undefined)} onSubmit={(n) => run(form.make(n)) && setForm(undefined)} /> : null}
      {form?.kind === 'link' && outline ? <LinkForm outline={outline} from={form.from} onCancel={() => setForm(undefined)} onSubmit={(link) => run((o) => linkOutput(o, link)) && setForm(undefined)} /> : null}
      {refused ? <div class="error-box" role="alert">{refused}</div> : null}
    </div>
  );
}

function NameForm({ label, initial, onSubmit, onCancel }: { label: string; initial: string; onSubmit: (name: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(initial);
  return (
    <form class="edit-form" onSubmit={(e) => { e.preventDefault(); onSubmit(value.trim()); }}>
      <label>{label} <input name="name" value={value} autoFocus required pattern="[A-Za-z0-9_][A-Za-z0-9_\-]*" onInput={(e) => setValue(e.currentTarget.value)} /></label>
      <button type="submit">OK</button>
      <button type="button" onClick={onCancel}>Cancel</button>
    </form>
  );
}

interface LinkFormProps {
  readonly outline: Outline;
  readonly from: string;
  readonly onSubmit: (link: { from: string; output: string; to: string; env: string }) => void;
  readonly onCancel: () => void;
}

function LinkForm({ outline, from, onSubmit, onCancel }: LinkFormProps) {
  const producer = outline.jobs.find((j) => j.path === from);
  const later = outline.jobs.filter((j) => producer && j.path !== from && (j.stageIndex > producer.stageIndex || (j.stageIndex === producer.stageIndex && j.actionIndex >= producer.actionIndex && (j.actionIndex > producer.actionIndex || j.jobIndex > producer.jobIndex))));
  const [output, setOutput] = useState(producer?.outputs[0] ?? '');
  const [to, setTo] = useState(later[0]?.path ?? '');
  const [env, setEnv] = useState<string>();
  return (
    <form class="edit-form" onSubmit={(e) => { e.preventDefault(); onSubmit({ from, output: output.trim(), to, env: (env ?? output).trim() }); }}>
      <span>Link an output of <code>{from}</code></span>
      <label>Output <input name="output" list="producer-outputs" value={output} required onInput={(e) => setOutput(e.currentTarget.value)} /></label>
      <datalist id="producer-outputs">{producer?.outputs.map((o) => <option key={o} value={o} />)}</datalist>
      <label>to job <select name="to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>{later.map((j) => <option key={j.path} value={j.path}>{j.path}</option>)}</select></label>
      <label>as variable <input name="env" value={env ?? output} required onInput={(e) => setEnv(e.currentTarget.value)} /></label>
      <button type="submit" disabled={later.length === 0}>Link</button>
      <button type="button" onClick={onCancel}>Cancel</button>
      {later.length === 0 ? <span class="muted">no job runs after this one</span> : null}
    </form>
  );
}
