/**
 * Drawing and editing a flow (`/flows/new`, `/flows/:ns/:repo/:name/edit`):
 * the YAML beside its graph (editor/workspace.tsx). A new flow starts from a
 * small template; an existing one opens with its latest version's source,
 * exactly as stored.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Link } from '../router.tsx';
import type { PageProps } from '../routes.tsx';
import { Workspace } from '../editor/workspace.tsx';

export const TEMPLATE = `# A new flow: edit the YAML, or select a stage, action or job on the graph and use the buttons.
uri: my-team/my-repo/my-flow
stages:
  - type: start
    name: start
  - name: build
    actions:
      - name: build
        jobs:
          - name: hello
            endpoint: coflow/shell:1.0.0
            script: echo hello
  - type: end
    name: end
`;

/** "Start from an empty flow": only a uri; the graph adds the rest. */
const EMPTY = 'uri: my-team/my-repo/my-flow\n';

export default function Page({ params }: PageProps) {
  const uri = params['ns'] ? `${params['ns']}/${params['repo']}/${params['name']}` : undefined;
  const [loaded, setLoaded] = useState<{ text: string; version?: number } | { error: unknown }>();
  useEffect(() => {
    setLoaded(undefined);
    if (uri === undefined) {
      setLoaded({ text: TEMPLATE });
      return;
    }
    api<{ source: string; version: number }>(`/flows/${uri}`).then((f) => setLoaded({ text: f.source, version: f.version }), (error: unknown) => setLoaded({ error }));
  }, [uri]);
  return (
    <section class="flow-editor-page">
      <h1>{uri ? <>Edit <Link href={`/flows/${uri}`}>{uri}</Link></> : 'New flow'}</h1>
      {loaded === undefined ? <p class="muted">Loading…</p>
        : 'error' in loaded ? <ErrorBox error={loaded.error} title="The flow could not be loaded" />
        : (
          <>
            {loaded.version !== undefined ? <p class="muted">Editing version {loaded.version}.</p> : null}
            <Workspace key={uri ?? 'new'} initial={loaded.text} empty={uri === undefined ? EMPTY : undefined} />
          </>
        )}
    </section>
  );
}
