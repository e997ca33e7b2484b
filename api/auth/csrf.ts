/**
 * Cross-site request forgery rules for requests signed in by the session
 * cookie (docs/web-ui.md, "Sign-in and sessions"). A browser sends the cookie
 * with any request to this server, whoever's page made it; so a request that
 * changes something must also prove it came from the UI: the `X-Coflow-CSRF`
 * header with the session's csrf value (a foreign page can neither read the
 * value nor set the header without a CORS preflight this server never grants),
 * and, when the browser names where it came from (`Origin`, else `Referer`),
 * this server's own origin. Bearer-token requests carry no ambient
 * credential and are not subject to it.
 */

export const CSRF_HEADER = 'X-Coflow-CSRF';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the rules look at in one request. */
export interface CsrfRequest {
  readonly method: string;
  /** The `X-Coflow-CSRF` header. */
  readonly csrf?: string | undefined;
  readonly origin?: string | undefined;
  readonly referer?: string | undefined;
  /** The origins this server is reached at ({@link ownOrigins}). */
  readonly ownOrigins: readonly string[];
}

/** Where the request says it came from, or why that cannot be read. */
function claimedOrigin(req: CsrfRequest): { origin?: string; problem?: string } {
  if (req.origin !== undefined) return { origin: req.origin };
  if (req.referer === undefined) return {};
  try {
    return { origin: new URL(req.referer).origin };
  } catch {
    return { problem: 'the Referer header is not a URL' };
  }
}

/** Why a request from another site is refused, or undefined when Origin/Referer is this server's own (or absent). */
export function originProblem(req: CsrfRequest): string | undefined {
  const { origin, problem } = claimedOrigin(req);
  if (problem !== undefined) return problem;
  if (origin === undefined || req.ownOrigins.includes(origin)) return undefined;
  const header = req.origin !== undefined ? 'Origin' : 'Referer';
  return `the request comes from ${origin} (its ${header} header), not from this server (${req.ownOrigins.join(' or ')})`;
}

/**
 * Why a request signed in by the session cookie is refused as possibly forged,
 * or undefined when it may go on. `matches` says whether a presented value is
 * the session's csrf value.
 */
export function csrfProblem(req: CsrfRequest, matches: (presented: string) => boolean): string | undefined {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return undefined;
  const origin = originProblem(req);
  if (origin !== undefined) return origin;
  if (req.csrf === undefined || req.csrf === '') {
    return `a ${req.method.toUpperCase()} signed in by the session cookie needs the ${CSRF_HEADER} header with the "csrf" value of GET /api/v1/session`;
  }
  if (!matches(req.csrf)) return `the ${CSRF_HEADER} header is not this session's csrf value (sign in again to get a fresh one)`;
  return undefined;
}

/**
 * The rule for a codec call (`POST /api/v1/codec/decode|encode`, api/codec.ts)
 * signed in by the session cookie, which replaces {@link csrfProblem} there:
 * the Temporal UI calls the codec from its own origin and cannot send
 * `X-Coflow-CSRF`. Instead the call must name where it came from (`Origin`,
 * else `Referer`) and that must be this server's own origin or one of
 * `allowedOrigins` (COFLOW_CODEC_CORS_ORIGINS). Together with the codec's
 * `Content-Type: application/json` requirement (415 otherwise), every
 * cross-origin browser call is preflighted, and the preflight is granted only
 * to those origins; and neither codec call changes any state.
 */
export function codecOriginProblem(req: CsrfRequest, allowedOrigins: readonly string[]): string | undefined {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return undefined;
  const { origin, problem } = claimedOrigin(req);
  if (problem !== undefined) return problem;
  if (origin === undefined) return 'a codec call signed in by the session cookie must name its Origin (or Referer); use a bearer token from other clients';
  if (req.ownOrigins.includes(origin) || allowedOrigins.includes(origin)) return undefined;
  const header = req.origin !== undefined ? 'Origin' : 'Referer';
  const allowed = allowedOrigins.length === 0 ? 'none' : allowedOrigins.join(', ');
  return `the codec call comes from ${origin} (its ${header} header), neither this server (${req.ownOrigins.join(' or ')}) nor an origin of COFLOW_CODEC_CORS_ORIGINS (${allowed})`;
}

/** The headers of a request that say how it reached this server. */
export interface ArrivalHeaders {
  readonly host?: string | undefined;
  readonly forwardedProto?: string | undefined;
  readonly forwardedHost?: string | undefined;
}

const first = (list: string | undefined): string | undefined => list?.split(',')[0]?.trim().toLowerCase() || undefined;

/** True when the request came over https (itself, or at the proxy in front: `X-Forwarded-Proto: https`). */
export function cameOverHttps(url: string, headers: ArrivalHeaders): boolean {
  return first(headers.forwardedProto) === 'https' || new URL(url).protocol === 'https:';
}

/**
 * The origins this server is reached at for one request: its URL as it
 * arrived, the same host behind a proxy (`X-Forwarded-Proto`/`-Host`), and
 * the configured public URL (COFLOW_PUBLIC_URL).
 */
export function ownOrigins(url: string, headers: ArrivalHeaders, publicUrl?: string): string[] {
  const arrived = new URL(url);
  const origins = new Set([arrived.origin]);
  const proto = first(headers.forwardedProto);
  const host = first(headers.forwardedHost) ?? headers.host ?? arrived.host;
  if (proto === 'http' || proto === 'https') {
    try {
      origins.add(new URL(`${proto}://${host}`).origin);
    } catch {
      // A Host no URL can hold: only the arrival URL and the public URL count.
    }
  }
  if (publicUrl !== undefined) origins.add(new URL(publicUrl).origin);
  return [...origins];
}
