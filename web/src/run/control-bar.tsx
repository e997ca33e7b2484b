/**
 * Pause, resume, cancel and re-run a run as the signed-in user, through the
 * same API as the CLI. A button that makes no sense for the run's state or
 * the user's role is disabled with the reason beside it; cancelling and a
 * full re-run ask first; the outcome (or the API's refusal) is shown.
 */
import { useState } from 'preact/hooks';
import type { RunStatus } from '../../../contracts/run-status.ts';
import { api, runPath } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Link } from '../router.tsx';
import { useSteerer } from './steerer.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { controlAvailability, type Availability, type ControlAction } from './control-rules.ts';
import { useAction } from './use-action.ts';

export interface ControlBarProps {
  readonly run: RunStatus;
  /** Called after an action the API accepted (the page's SSE shows the change anyway). */
  readonly onChanged?: () => void;
}

/** The API's answer to a re-run. */
interface Rerun {
  readonly runId: string;
  readonly number: number;
  readonly rerunOf: string;
  readonly reused: readonly string[];
}

interface Button {
  readonly action: ControlAction;
  readonly text: string;
  /** Said once the API accepted it. */
  readonly done: string;
  readonly confirm?: { readonly title: string; readonly body: string; readonly yes: string; readonly no: string };
  readonly danger?: boolean;
}

const BUTTONS: readonly Button[] = [
  { action: 'pause', text: 'Pause', done: 'Paused: running jobs finish, no new job starts' },
  { action: 'resume', text: 'Resume', done: 'Resumed' },
  {
    action: 'cancel', text: 'Cancel run', done: 'Cancelling: containers are stopped, end jobs run', danger: true,
    confirm: { title: 'Cancel this run?', body: 'Running containers are stopped, the end stages run, and the run ends cancelled. This cannot be undone.', yes: 'Yes, cancel the run', no: 'No, keep it running' },
  },
  { action: 'rerun-failed', text: 'Re-run from failed', done: 'Re-run started' },
  {
    action: 'rerun-full', text: 'Full re-run', done: 'Re-run started',
    confirm: { title: 'Run everything again?', body: 'A new run starts from the first stage: every job runs again, nothing is reused.', yes: 'Yes, run everything again', no: 'No' },
  },
];

/** The API call of one action. */
function call(run: RunStatus, action: ControlAction): Promise<Rerun | undefined> {
  const base = runPath(run.runId);
  switch (action) {
    case 'rerun-failed':
      return api<Rerun>(`${base}/rerun`, { method: 'POST' });
    case 'rerun-full':
      return api<Rerun>(`${base}/rerun?full=true`, { method: 'POST' });
    default:
      return api<unknown>(`${base}/${action}`, { method: 'POST' }).then(() => undefined);
  }
}

function ControlButton({ button, availability, busy, onClick }: { button: Button; availability: Availability; busy: boolean; onClick: () => void }) {
  const reasonId = `control-reason-${button.action}`;
  return (
    <span class={`control${availability.enabled ? '' : ' disabled'}`}>
      <button type="button" class={button.danger ? 'danger' : undefined} disabled={!availability.enabled || busy} onClick={onClick}
        title={availability.reason} aria-describedby={availability.reason ? reasonId : undefined}>
        {button.text}
      </button>
      {availability.reason ? <small class="control-reason" id={reasonId}>{availability.reason}</small> : null}
    </span>
  );
}

export function ControlBar({ run, onChanged }: ControlBarProps) {
  const who = useSteerer();
  const availability = controlAvailability(run, who);
  const [state, act] = useAction<Rerun | undefined>();
  const [asking, setAsking] = useState<Button | null>(null);

  const go = (button: Button) => {
    setAsking(null);
    void act(button.action, () => call(run, button.action)).then(() => onChanged?.());
  };
  const done = state.result ? BUTTONS.find((b) => b.action === state.result?.label) : undefined;
  const rerun = state.result?.value;

  return (
    <div class="control-bar" role="toolbar" aria-label="run control" data-run={run.runId} data-state={run.state}>
      <div class="control-buttons">
        {BUTTONS.map((b) => (
          <ControlButton key={b.action} button={b} availability={availability[b.action]} busy={state.busy !== undefined}
            onClick={() => (b.confirm ? setAsking(b) : go(b))} />
        ))}
      </div>
      <div class="control-outcome" role="status" aria-live="polite">
        {state.busy ? <span>Working…</span> : null}
        {done && !rerun ? <span>{done.done}</span> : null}
        {rerun ? (
          <span>
            {done?.done}: <Link href={runPath(rerun.runId)}>#{rerun.number}</Link>
            {rerun.reused.length > 0 ? ` (reusing ${rerun.reused.join(', ')})` : ''}
          </span>
        ) : null}
      </div>
      {state.error ? <ErrorBox error={state.error} title="The API refused" /> : null}
      <ConfirmDialog open={asking !== null} title={asking?.confirm?.title ?? ''} confirmLabel={asking?.confirm?.yes ?? ''}
        dismissLabel={asking?.confirm?.no ?? 'No'} onConfirm={() => asking && go(asking)} onDismiss={() => setAsking(null)}>
        <p>{asking?.confirm?.body}</p>
      </ConfirmDialog>
    </div>
  );
}
