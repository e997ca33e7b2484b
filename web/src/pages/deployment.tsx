/**
 * One deployment (`/deployments/{id}`): what was deployed where, by whom,
 * how it ended, the commits it shipped, the manifest as rendered (read-only)
 * with its digest, and "Roll back to this" for operators.
 */
import { useState } from 'preact/hooks';
import { api, runPath } from '../api.ts';
import type { DeploymentRecord } from '../../../contracts/deployments.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { canRestore, deploymentOf, shortSha, startedIdOf } from '../devops/records.ts';
import { ResultBadge } from '../devops/result-badge.tsx';
import { useApi } from '../lists/use-api.ts';
import { ConfirmDialog } from '../run/confirm-dialog.tsx';
import type { PageProps } from '../routes.tsx';
import { Link } from '../router.tsx';
import { hasRole, useSession } from '../session.ts';
import { elapsed, formatTime } from '../time.ts';

function RollBack({ d }: { d: DeploymentRecord }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [started, setStarted] = useState<number | 'unknown'>();
  const restore = canRestore(d);
  const confirm = async () => {
    setAsking(false);
    setBusy(true);
    setError(undefined);
    try {
      const body = await api<unknown>(`/deployments/${d.id}/rollback`, { method: 'POST', body: {} });
      setStarted(startedIdOf(body) ?? 'unknown');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="rollback">
      <button type="button" class="danger" disabled={!restore.ok || busy} title={restore.why ? `Cannot roll back to it: ${restore.why}` : undefined} onClick={() => setAsking(true)}>Roll back to this</button>
      {restore.why ? <span class="muted"> Cannot roll back to it: {restore.why}.</span> : null}
      <ConfirmDialog open={asking} title={`Roll back ${d.environment} / ${d.application}?`} confirmLabel={`Roll back to #${d.id}`} onConfirm={() => void confirm()} onDismiss={() => setAsking(false)}>
        <p>This re-applies the manifest of deployment #{d.id}{d.commit ? ` (commit ${shortSha(d.commit)})` : ''} to <strong>{d.environment}</strong>, replacing what runs there now. It is recorded as a new deployment.</p>
      </ConfirmDialog>
      {error ? <ErrorBox error={error} title="The rollback was refused" /> : null}
      {started !== undefined ? (
        <p class="notice" role="status">{started === 'unknown'
          ? `Rollback started: it waits behind another deployment of ${d.application} in ${d.environment} and is recorded when its turn comes.`
          : <>Rollback started: deployment <Link href={`/deployments/${started}`}>#{started}</Link>.</>}</p>
      ) : null}
    </div>
  );
}

function Facts({ d }: { d: DeploymentRecord }) {
  const row = (label: string, value: preact.ComponentChildren) => (value === undefined || value === '' || value === null ? null : <><dt>{label}</dt><dd>{value}</dd></>);
  return (
    <dl class="facts">
      {row('Result', <ResultBadge result={d.result} />)}
      {row('Reason', d.reason)}
      {row('Environment', `${d.namespace} / ${d.environment}`)}
      {row('Application', d.application)}
      {row('Kind', d.kind)}
      {row('Strategy', d.strategy)}
      {row('Flow', d.flowUri ? <Link href={`/flows/${d.flowUri}`}>{d.flowUri}</Link> : undefined)}
      {row('Run', d.runId ? <><Link href={runPath(d.runId)}>{d.runId}</Link>{d.jobPath ? <> · job <code>{d.jobPath}</code></> : null}{d.attempt ? ` · attempt ${d.attempt}` : ''}</> : undefined)}
      {row('Commit', d.commit ? <code>{d.commit}</code> : undefined)}
      {row('Branch', d.branch)}
      {row('Repository', d.repo)}
      {row('User', d.user)}
      {row('Images', d.images.length ? d.images.map((i) => <code key={i} class="image">{i}</code>) : undefined)}
      {row('Started', <time dateTime={d.startedAt}>{formatTime(d.startedAt)}</time>)}
      {row('Finished', d.finishedAt ? <time dateTime={d.finishedAt}>{formatTime(d.finishedAt)}</time> : undefined)}
      {row('Duration', d.finishedAt ? elapsed(d.startedAt, d.finishedAt) : undefined)}
      {row('Rolls back', d.rollbackOf ? <Link href={`/deployments/${d.rollbackOf}`}>#{d.rollbackOf}</Link> : undefined)}
      {row('Restores', d.restores ? <Link href={`/deployments/${d.restores}`}>#{d.restores}</Link> : undefined)}
    </dl>
  );
}

export default function Page({ params }: PageProps) {
  const id = params['id'] ?? '';
  const session = useSession();
  const { data, error, loading } = useApi<unknown>(/^\d+$/.test(id) ? `/deployments/${id}` : undefined);
  const d = deploymentOf(data);
  return (
    <section class="deployment-page">
      <p><Link href="/deployments">← Deployments</Link></p>
      <h1>Deployment #{id}{d ? ` · ${d.environment} / ${d.application}` : ''}</h1>
      {!/^\d+$/.test(id) ? <ErrorBox error={new Error(`"${id}" is not a deployment id (a number).`)} /> : null}
      {error ? <ErrorBox error={error} title="The deployment cannot be read" /> : null}
      {loading && !data ? <div class="loading">Loading the deployment…</div> : null}
      {d ? (
        <>
          {hasRole(session, 'operator') ? <RollBack d={d} /> : null}
          <Facts d={d} />
          <h2>Commits shipped ({d.commits.length})</h2>
          {d.commits.length === 0 ? <p class="muted">None known: lead time is not measured for this deployment.</p> : (
            <ul class="commits">{d.commits.map((c) => <li key={c.sha}><code title={c.sha}>{shortSha(c.sha)}</code> committed <time dateTime={c.committedAt}>{formatTime(c.committedAt)}</time></li>)}</ul>
          )}
          <h2>Manifest</h2>
          {d.manifestDigest ? <p class="digest">Digest <code>{d.manifestDigest}</code></p> : null}
          {d.manifest ? <pre class="manifest" aria-label="Rendered manifest">{d.manifest}</pre> : <p class="muted">No manifest stored: coflow did not render this deployment itself.</p>}
        </>
      ) : null}
    </section>
  );
}
