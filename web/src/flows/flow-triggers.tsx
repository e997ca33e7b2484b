/** What starts a flow and who hears about it: webhook URLs (to copy), schedules, notification receivers. */
import { useState } from 'preact/hooks';
import type { FlowSpec } from '../../../flow/model.ts';
import { maskedAddress, schedulesOf, webhooksOf } from './flow-facts.ts';

function CopyButton({ text }: { text: string }) {
  const [said, setSaid] = useState('');
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setSaid('Copied'),
      () => setSaid('Copying was refused: select the URL and copy it'),
    );
  };
  return <><button type="button" class="copy" onClick={copy}>Copy</button>{said ? <span class="copy-said" role="status"> {said}</span> : null}</>;
}

export function FlowTriggers({ spec, origin }: { spec: FlowSpec; origin: string }) {
  const hooks = webhooksOf(spec.uri, spec.triggers, origin);
  const schedules = schedulesOf(spec.triggers);
  const receivers = spec.receivers ?? [];
  return (
    <div class="flow-triggers">
      <h2>Triggers</h2>
      {hooks.length === 0 && schedules.length === 0 ? <p class="empty">No triggers: runs start by hand (the Run button, <code>coflow run</code>).</p> : null}
      {hooks.length > 0 ? (
        <table class="list webhooks">
          <thead><tr><th>Webhook</th><th>URL</th><th>Signed with secret</th><th>Filters</th><th>Reporting</th></tr></thead>
          <tbody>
            {hooks.map((h, i) => (
              <tr key={i} data-hook={h.kind}>
                <td>{h.kind}</td>
                <td><code class="hook-url">{h.url}</code> <CopyButton text={h.url} /></td>
                <td>{h.secret ? <code>{h.secret}</code> : <em>none: every delivery is refused</em>}</td>
                <td>{h.filters.length ? h.filters.map((f) => <div key={f}>{f}</div>) : 'every delivery'}</td>
                <td class="hook-reporting">{h.reporting.length ? h.reporting.map((f) => <div key={f}>{f}</div>) : 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {schedules.length > 0 ? (
        <table class="list schedules">
          <thead><tr><th>Schedule (cron)</th><th>Time zone</th></tr></thead>
          <tbody>{schedules.map((s, i) => <tr key={i}><td><code>{s.cron}</code></td><td>{s.timezone}</td></tr>)}</tbody>
        </table>
      ) : null}
      <h2>Notifications</h2>
      {receivers.length === 0 ? <p class="empty">No receivers.</p> : (
        <table class="list receivers">
          <thead><tr><th>Type</th><th>Address</th><th>Events</th></tr></thead>
          <tbody>
            {receivers.map((r, i) => {
              const a = maskedAddress(r);
              return <tr key={i}><td>{r.type}</td><td class={a.masked ? 'masked' : ''}>{a.text}</td><td>{r.on.join(', ')}</td></tr>;
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
