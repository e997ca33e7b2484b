/**
 * Who is signed in, as `GET /api/v1/session` says. The CSRF value lives in
 * memory only; the session itself is an HttpOnly cookie the page never sees.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Session {
  readonly user: string;
  readonly roles: readonly string[];
  /** False when the API runs without tokens: everyone acts as the anonymous admin. */
  readonly authEnabled: boolean;
  readonly csrf: string;
  /** When the cookie session ends; null for a bearer token or without authentication. */
  readonly expiresAt: string | null;
}

const PERMISSION_ROLES = ['viewer', 'operator', 'admin'];
let current: Session | null = null;
const listeners = new Set<(s: Session | null) => void>();

export const csrfToken = (): string | undefined => current?.csrf;
export const currentSession = (): Session | null => current;

export function setSession(s: Session | null): void {
  current = s;
  for (const l of listeners) l(s);
}

/** True when the session holds `role` or a stronger permission role. */
export function hasRole(s: Session | null, role: 'viewer' | 'operator' | 'admin'): boolean {
  if (!s) return false;
  const need = PERMISSION_ROLES.indexOf(role);
  return s.roles.some((r) => PERMISSION_ROLES.indexOf(r) >= need);
}

/** The current session, re-rendering on sign-in and sign-out. */
export function useSession(): Session | null {
  const [s, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return s;
}

/** Asks the API who we are: a session, or null when signing in is needed. */
export async function loadSession(): Promise<Session | null> {
  const res = await fetch('/api/v1/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`GET /api/v1/session: ${res.status} ${res.statusText}`);
  return (await res.json()) as Session;
}
