/**
 * The shell: who is signed in, the navigation, and the page the path names
 * (loaded on demand). Without a session the sign-in form shows instead.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from './components/error-box.tsx';
import { Layout } from './components/layout.tsx';
import { match, useLocation, type Params } from './router.tsx';
import { ROUTES, type PageProps, type Route } from './routes.tsx';
import { loadSession, setSession, useSession } from './session.ts';
import { SignIn } from './sign-in.tsx';

const loaded = new Map<Route, ComponentType<PageProps>>();

function usePage(path: string): { route?: Route; params: Params; Page?: ComponentType<PageProps>; error?: Error } {
  const found = ROUTES.map((route) => ({ route, params: match(route.pattern, path) })).find((m) => m.params !== null);
  const [, tick] = useState(0);
  const [error, setError] = useState<Error>();
  const route = found?.route;
  useEffect(() => {
    if (!route || loaded.has(route)) return;
    route.load().then((m) => {
      loaded.set(route, m.default);
      tick((n) => n + 1);
    }, setError);
  }, [route]);
  const Page = route ? loaded.get(route) : undefined;
  return { ...(route ? { route } : {}), params: found?.params ?? {}, ...(Page ? { Page } : {}), ...(error ? { error } : {}) };
}

export function App() {
  const session = useSession();
  const [checked, setChecked] = useState(false);
  const [bootError, setBootError] = useState<Error>();
  const { path } = useLocation();
  const { route, params, Page, error } = usePage(path);

  useEffect(() => {
    loadSession().then((s) => {
      setSession(s);
      setChecked(true);
    }, setBootError);
  }, []);

  if (bootError) return <ErrorBox error={bootError} />;
  if (!checked) return <p class="boot">Loading coflow…</p>;
  if (!session) return <SignIn />;
  return (
    <Layout section={route?.section ?? 'none'}>
      {!route ? <ErrorBox error={new Error(`There is no page at ${path}.`)} />
        : error ? <ErrorBox error={error} />
          : Page ? <Page params={params} key={path} /> : <p class="loading">Loading…</p>}
    </Layout>
  );
}
