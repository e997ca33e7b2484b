/**
 * Signing in with an API token: the server answers with an HttpOnly session
 * cookie; the token is not kept by the page (not in storage, not in memory
 * after the request).
 */
import { useState } from 'preact/hooks';
import { ErrorBox } from './components/error-box.tsx';
import { loadSession, setSession, type Session } from './session.ts';
import { api } from './api.ts';

export function SignIn() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('token') as HTMLInputElement;
    setBusy(true);
    setError(undefined);
    try {
      await api<Session>('/session', { method: 'POST', body: { token: input.value } });
      input.value = '';
      setSession(await loadSession());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sign-in">
      <h1>coflow</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" required minLength={16} />
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      {error ? <ErrorBox error={error} title="Sign-in failed" /> : null}
    </div>
  );
}
