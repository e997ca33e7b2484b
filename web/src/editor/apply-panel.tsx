/**
 * Apply (admin): stores the text as a new version of its flow — or answers
 * "unchanged" — through `POST /api/v1/flows`; then links to the flow page and
 * starts a run (operator). A 422's issues go back to the editor.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, runPath } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Link, navigate } from '../router.tsx';
import { hasRole, useSession } from '../session.ts';
import type { FlowIssue } from '../../../flow/errors.ts';
import type { Problem } from './validation.ts';

interface Applied {
  readonly uri: string;
  readonly version: number;
  readonly created: boolean;
  readonly warnings: readonly FlowIssue[];
}

interface Props {
  /** The text to apply, read when the button is pressed. */
  readonly text: () => string;
  /** Problems of an apply refused with 422 (or the warnings of an accepted one). */
  readonly onProblems: (problems: readonly Problem[]) => void;
}

export function ApplyPanel({ text, onProblems }: Props) {
  const session = useSession();
  const admin = hasRole(session, 'admin');
  const operator = hasRole(session, 'operator');
  const [busy, setBusy] = useState(false);
  const [applied, setApplied] = useState<Applied>();
  const [error, setError] = useState<{ err: unknown; title: string }>();
  const apply = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await api<Applied>('/flows', { method: 'POST', body: text(), contentType: 'application/yaml' });
      setApplied(res);
      onProblems(res.warnings.map((w) => ({ ...w, severity: 'warning' as const })));
    } catch (err) {
      setApplied(undefined);
      setError({ err, title: 'Not applied' });
      const issues = err instanceof ApiError && err.status === 422 ? (err.details as { issues?: FlowIssue[] } | undefined)?.issues : undefined;
      if (issues) onProblems(issues.map((i) => ({ ...i, severity: 'error' as const })));
    } finally {
      setBusy(false);
    }
  };
  const run = async (uri: string) => {
    setError(undefined);
    try {
      const started = await api<{ runId: string }>(`/flows/${uri}/runs`, { method: 'POST', body: {} });
      navigate(runPath(started.runId));
    } catch (err) {
      setError({ err, title: 'The run did not start' });
    }
  };
  return (
    <div class="apply-panel">
      <button class="primary" disabled={!admin || busy} title={admin ? undefined : 'only an admin can apply a flow'} onClick={() => void apply()}>Apply</button>
      {admin ? null : <span class="muted disabled-reason">Apply needs the admin role; you are {session?.user ?? 'not signed in'}.</span>}
      {applied ? (
        <span class="apply-outcome" role="status">
          {applied.created ? `Stored as version ${applied.version} of ${applied.uri}.` : `Unchanged: ${applied.uri} stays at version ${applied.version}.`}{' '}
          <Link href={`/flows/${applied.uri}`}>Open the flow</Link>{' '}
          <button disabled={!operator} title={operator ? undefined : 'starting a run needs the operator role'} onClick={() => void run(applied.uri)}>Run</button>
          {applied.warnings.length > 0 ? ` ${applied.warnings.length} warning(s), listed under the editor.` : null}
        </span>
      ) : null}
      {error ? <ErrorBox error={error.err} title={error.title} /> : null}
    </div>
  );
}
