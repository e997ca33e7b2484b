/** What to do when there is nothing to measure yet: declare environments, then deploy to them. */

export function DevopsEmpty({ what }: { what: 'environments' | 'deployments' }) {
  return (
    <div class="notice devops-empty" data-empty={what}>
      {what === 'environments'
        ? <p><strong>No environments are declared yet.</strong> Declare them once per namespace in an environments file and apply it with <code>coflow environments apply FILE</code>.</p>
        : <p><strong>No deployments in this window.</strong> Metrics come from deployment records.</p>}
      <p>{what === 'environments' ? 'Then add' : 'To record some, add'} a <code>type: deploy</code> job to a flow, or mark a job that deploys by itself with <code>deployment: {'{'} environment, application {'}'}</code>; every run that reaches it is recorded and counted.</p>
      <p class="muted">How to write them: <code>docs/deploy-jobs.md</code>; how the metrics are computed and what the tiers mean: <code>docs/dora.md</code>.</p>
    </div>
  );
}
