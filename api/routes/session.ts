/**
 * Signing in to the web UI: `POST /api/v1/session` trades a bearer token for
 * the session cookie, `GET` says who the cookie (or a token) acts as and the
 * session's csrf value, `DELETE` signs out everywhere (docs/web-ui.md,
 * "Sign-in and sessions"). With authentication off, every call answers as
 * the anonymous admin and no cookie is set.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor } from '../../contracts/signals.ts';
import { ANONYMOUS_ADMIN, arrival, requireRole } from '../auth/index.ts';
import { originProblem } from '../auth/csrf.ts';
import type { Session } from '../auth/session-cookie.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { ApiEnv, RouteModule } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { errorResponses, SessionInfo, SignIn, UserSignOut } from '../schemas.ts';

export const SESSION_PATH = '/api/v1/session';
const tags = ['session'];
const json = { 'application/json': { schema: SessionInfo } };
const NO_STORE = { 'Cache-Control': 'no-store' };

type Info = z.infer<typeof SessionInfo>;

/** The body of every answer: who acts, and the csrf value the UI sends back. */
function info(sessions: Sessions, actor: Actor, session: Session | undefined): Info {
  if (!sessions.authEnabled) return { user: actor.user, roles: [...actor.roles], authEnabled: false, csrf: sessions.codec.csrfOf('anonymous'), expiresAt: null };
  return {
    user: actor.user,
    roles: [...actor.roles],
    authEnabled: true,
    // A bearer-token caller needs no csrf value; it gets a stable one so every answer has the same shape.
    csrf: sessions.codec.csrfOf(session?.id ?? `bearer\0${actor.user}`),
    expiresAt: session === undefined ? null : new Date(session.expiresAt).toISOString(),
  };
}

/** The session for `token`, in the body and the cookie; checks first that the request does not come from another site. */
async function signIn(c: Context<ApiEnv>, sessions: Sessions, publicUrl: string | undefined, token: string) {
  const { secure, ownOrigins } = arrival(c, publicUrl);
  const problem = originProblem({ method: 'POST', origin: c.req.header('origin'), referer: c.req.header('referer'), ownOrigins });
  if (problem !== undefined) throw new ApiError('csrf', problem);
  if (!sessions.authEnabled) return c.json(info(sessions, { user: ANONYMOUS_ADMIN.user, roles: [...ANONYMOUS_ADMIN.roles] }, undefined), 200, NO_STORE);
  const signedIn = sessions.signIn(token);
  if (signedIn === undefined) throw new ApiError('unauthorized', 'the bearer token is not valid');
  const cookie = await sessions.codec.setCookie(signedIn.session, secure);
  return c.json(info(sessions, signedIn.actor, signedIn.session), 200, { ...NO_STORE, 'Set-Cookie': cookie });
}

export const sessionRoutes: RouteModule = (app, deps) => {
  const { sessions, publicUrl } = deps;

  app.openapi(
    createRoute({
      method: 'post', path: SESSION_PATH, tags, security: [],
      summary: 'Sign in with a bearer token: sets the HttpOnly session cookie (coflow_session) and gives the csrf value',
      request: { body: { required: true, content: { 'application/json': { schema: SignIn } } } },
      responses: {
        200: { description: 'signed in (with authentication off: the anonymous admin, no cookie)', content: json },
        ...errorResponses(400, 401, 403),
      },
    }),
    (c) => signIn(c, sessions, publicUrl, c.req.valid('json').token),
  );

  app.openapi(
    createRoute({
      method: 'get', path: SESSION_PATH, tags,
      summary: 'Who the session cookie (or bearer token) acts as, and the csrf value to send as X-Coflow-CSRF',
      responses: { 200: { description: 'signed in', content: json }, ...errorResponses(401) },
    }),
    (c) => c.json(info(sessions, c.get('actor'), c.get('session')), 200, NO_STORE),
  );

  app.openapi(
    createRoute({
      method: 'delete', path: SESSION_PATH, tags,
      summary: 'Sign out: every API server refuses the session cookie from now on; the cookie is cleared',
      responses: { 204: { description: 'signed out' }, ...errorResponses(401, 403) },
    }),
    async (c) => {
      const session = c.get('session');
      if (session !== undefined) await sessions.signOut(session);
      if (sessions.authEnabled) c.header('Set-Cookie', sessions.codec.clearCookie(arrival(c, publicUrl).secure));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/api/v1/sessions', tags, middleware: [requireRole('admin')] as const,
      summary: 'Sign out every session of a user (admin), on every API server; sessions signed in afterwards are not affected',
      request: { query: z.object({ user: z.string().min(1).openapi({ example: 'alice' }) }) },
      responses: {
        200: { description: 'recorded', content: { 'application/json': { schema: UserSignOut } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { user } = c.req.valid('query');
      if (!deps.tokens.hasUser(user)) throw notFound(`a token of user ${user}`);
      const before = await sessions.signOutUser(user);
      return c.json({ user, revokedBefore: before.toISOString() }, 200);
    },
  );
};
