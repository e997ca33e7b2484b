/**
 * The Run button (operators): a dialog with the flow's declared inputs (a
 * select for a choice, required ones marked, defaults filled) and an optional
 * comment; `POST …/runs`, then the new run's page. The API's refusal (422
 * naming a bad input) shows in the dialog, next to the field it names.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, runPath } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { navigate } from '../router.tsx';
import { hasRole, useSession } from '../session.ts';
import type { FlowInputSpec } from '../../../flow/model.ts';
import { inputFields, inputValues, problemsByInput, type InputField } from './flow-facts.ts';

function Field({ field, value, problem, set }: { field: InputField; value: string; problem: string | undefined; set: (v: string) => void }) {
  const id = `input-${field.name}`;
  const onInput = (e: Event) => set((e.currentTarget as HTMLInputElement | HTMLSelectElement).value);
  return (
    <div class={`field${problem ? ' invalid' : ''}`} data-input={field.name}>
      <label for={id}>{field.name}{field.required ? <span class="required" title="required"> *</span> : null}</label>
      {field.options ? (
        <select id={id} value={value} onChange={onInput}>
          {field.required && !field.initial ? <option value="">— choose —</option> : null}
          {!field.required ? <option value="">(default{field.initial ? `: ${field.initial}` : ''})</option> : null}
          {field.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      ) : (
        <input id={id} value={value} onInput={onInput} placeholder={field.initial ? '' : field.required ? 'required' : '(empty)'} />
      )}
      {field.description ? <small class="hint">{field.description}</small> : null}
      {problem ? <small class="problem" role="alert">{problem}</small> : null}
    </div>
  );
}

export interface RunButtonProps {
  readonly uri: string;
  /** The latest version's declared inputs (a run pins the latest version). */
  readonly inputs: Readonly<Record<string, FlowInputSpec>> | undefined;
  readonly version: number;
}

export function RunButton({ uri, inputs, version }: RunButtonProps) {
  const session = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const fields = inputFields(inputs);
  const [values, setValues] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const allowed = hasRole(session, 'operator');

  const open = () => {
    setValues(Object.fromEntries(fields.map((f) => [f.name, f.initial])));
    setError(undefined);
    dialog.current?.showModal();
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = { ...(comment.trim() ? { comment: comment.trim() } : {}), ...(fields.length ? { inputs: inputValues(fields, values) } : {}) };
      const started = await api<{ runId: string }>(`/flows/${uri}/runs`, { method: 'POST', body });
      dialog.current?.close();
      navigate(runPath(started.runId));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const problems = error instanceof ApiError ? problemsByInput(error.details) : {};

  return (
    <>
      <button type="button" class="primary run-button" disabled={!allowed} onClick={open} title={allowed ? `Start a run of v${version}` : 'Starting a run needs the operator role'}>Run</button>
      {!allowed ? <small class="reason"> Starting a run needs the operator role.</small> : null}
      <dialog ref={dialog} class="run-dialog" aria-label={`Run ${uri}`}>
        <form onSubmit={(e) => void submit(e)}>
          <h2>Run {uri}</h2>
          <p class="muted">Version v{version} (the latest) runs.</p>
          {fields.map((f) => <Field key={f.name} field={f} value={values[f.name] ?? ''} problem={problems[f.name]} set={(v) => setValues((s) => ({ ...s, [f.name]: v }))} />)}
          <div class="field">
            <label for="run-comment">Comment <small>(optional: why; expressions read it as <code>trigger.message</code>)</small></label>
            <textarea id="run-comment" rows={2} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </div>
          {error ? <ErrorBox error={error} title="Not started" /> : null}
          <div class="actions">
            <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
            <button type="submit" class="primary" disabled={busy}>{busy ? 'Starting…' : 'Start run'}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}
