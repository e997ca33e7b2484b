/** One API read as page state: the value, the error, and a way to read it again. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly loading: boolean;
}

/** `GET /api/v1{path}`, again whenever `path` changes (undefined: nothing to read yet). */
export function useApi<T>(path: string | undefined): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: path !== undefined });
  useEffect(() => {
    if (path === undefined) return undefined;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: ctl.signal }).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => { if (!ctl.signal.aborted) setState({ error, loading: false }); },
    );
    return () => ctl.abort();
  }, [path]);
  return state;
}
