/** The page frame: the navigation, who is signed in (and signing out), the page. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Link, navigate } from '../router.tsx';
import { setSession, useSession } from '../session.ts';
import { api } from '../api.ts';

const SECTIONS = [
  { id: 'runs', label: 'Runs', href: '/runs' },
  { id: 'flows', label: 'Flows', href: '/flows' },
  { id: 'components', label: 'Components', href: '/components' },
  { id: 'deployments', label: 'Deployments', href: '/deployments' },
  { id: 'dora', label: 'DevOps metrics', href: '/dora' },
] as const;

export function Layout({ section, children }: { section: string; children: ComponentChildren }) {
  const session = useSession();
  const [error, setError] = useState<string>();
  const signOut = async () => {
    try {
      await api('/session', { method: 'DELETE' });
      setSession(null);
      navigate('/');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div class="frame">
      <header class="topbar">
        <Link href="/" class="brand">coflow</Link>
        <nav>
          {SECTIONS.map((s) => <Link key={s.id} href={s.href} class={s.id === section ? 'active' : ''} aria-current={s.id === section ? 'page' : undefined}>{s.label}</Link>)}
        </nav>
        <div class="who">
          {session ? <span class="user" title={session.roles.join(', ')}>{session.user} <small>({session.roles.join(', ')})</small></span> : null}
          {session?.authEnabled ? <button type="button" class="link" onClick={() => void signOut()}>Sign out</button> : null}
          {error ? <span class="error-message">{error}</span> : null}
        </div>
      </header>
      <main>{children}</main>
    </div>
  );
}
