/** The signed-in user as the run-control rules read them (`control-rules.ts`). */
import { hasRole, useSession } from '../session.ts';
import type { Steerer } from './control-rules.ts';

export function useSteerer(): Steerer | null {
  const session = useSession();
  return session ? { user: session.user, roles: session.roles, operator: hasRole(session, 'operator') } : null;
}
