/**
 * GitHub App authentication: a short JWT signed with the App's private key
 * (RS256, node:crypto) buys an installation access token, which the worker
 * process keeps until 5 minutes before its `expires_at` and then replaces.
 * Concurrent reports share one request; the installation is looked up by
 * repository when the event did not name it (and that answer is kept too).
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { forgeCall, ForgeRefusal, type ForgeHttp } from './http.ts';
import { githubHeaders } from './github-headers.ts';

/** An installation token is replaced this long before it expires. */
export const TOKEN_MARGIN_MS = 5 * 60_000;

export interface GitHubAppCredentials {
  readonly apiUrl: string;
  readonly appId: string;
  /** PEM (PKCS#1 `BEGIN RSA PRIVATE KEY`, as GitHub hands it out, or PKCS#8). */
  readonly privateKey: string;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function privateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem.replace(/\\n/g, '\n'));
  } catch (err) {
    throw new ForgeRefusal(0, `the GitHub App's private key is not a PEM private key: ${(err as Error).message}`);
  }
}

/** The App's JWT: issued a minute in the past (clock drift), valid 9 minutes (GitHub allows 10). */
export function appJwt(appId: string, pem: string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: now - 60, exp: now + 9 * 60, iss: appId }));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey(pem));
  return `${header}.${payload}.${base64url(signature)}`;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAtMs: number;
}

/** The installation tokens of one worker process. */
export class InstallationTokens {
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private readonly installations = new Map<string, Promise<number>>();
  private readonly now: () => number;
  /** `now`: the clock (tests move it past a token's expiry). */
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** A token valid for at least TOKEN_MARGIN_MS more; `jwtMask` learns the JWT so errors never show it. */
  async token(app: GitHubAppCredentials, repo: string, installationId: number | undefined, http: ForgeHttp, jwtMask: (jwt: string) => void): Promise<string> {
    const jwt = (): string => {
      const value = appJwt(app.appId, app.privateKey, this.now());
      jwtMask(value);
      return value;
    };
    const id = installationId ?? (await this.installation(app, repo, http, jwt));
    const key = `${app.apiUrl}|${app.appId}|${id}`;
    while (true) {
      const cached = this.tokens.get(key);
      if (cached === undefined) {
        const minted = this.mint(app, id, http, jwt);
        this.tokens.set(key, minted);
        minted.catch(() => this.tokens.get(key) === minted && this.tokens.delete(key));
        return (await minted).token;
      }
      const held = await cached.catch(() => undefined);
      if (held !== undefined && held.expiresAtMs - TOKEN_MARGIN_MS > this.now()) return held.token;
      // Stale or failed: replace it, unless another report already did.
      if (this.tokens.get(key) === cached) this.tokens.delete(key);
    }
  }

  /** Forgets a token the forge no longer accepts (revoked, App reinstalled). */
  forget(app: GitHubAppCredentials, installationId: number | undefined, repo: string): void {
    for (const key of [...this.tokens.keys()]) {
      if (key.startsWith(`${app.apiUrl}|${app.appId}|`) && (installationId === undefined || key.endsWith(`|${installationId}`))) this.tokens.delete(key);
    }
    if (installationId === undefined) this.installations.delete(`${app.apiUrl}|${app.appId}|${repo}`);
  }

  private async mint(app: GitHubAppCredentials, id: number, http: ForgeHttp, jwt: () => string): Promise<CachedToken> {
    const answer = (await forgeCall(http, { method: 'POST', url: `${app.apiUrl}/app/installations/${id}/access_tokens`, headers: githubHeaders(`Bearer ${jwt()}`) })) as {
      token?: unknown;
      expires_at?: unknown;
    };
    const expiresAtMs = typeof answer?.expires_at === 'string' ? Date.parse(answer.expires_at) : NaN;
    if (typeof answer?.token !== 'string' || !Number.isFinite(expiresAtMs)) throw new ForgeRefusal(0, `POST /app/installations/${id}/access_tokens answered without a token and expires_at`);
    return { token: answer.token, expiresAtMs };
  }

  private installation(app: GitHubAppCredentials, repo: string, http: ForgeHttp, jwt: () => string): Promise<number> {
    const key = `${app.apiUrl}|${app.appId}|${repo}`;
    let found = this.installations.get(key);
    if (found === undefined) {
      found = forgeCall(http, { method: 'GET', url: `${app.apiUrl}/repos/${repo}/installation`, headers: githubHeaders(`Bearer ${jwt()}`) }).then((answer) => {
        const id = (answer as { id?: unknown } | undefined)?.id;
        if (typeof id !== 'number') throw new ForgeRefusal(0, `GET /repos/${repo}/installation answered without an installation id`);
        return id;
      });
      this.installations.set(key, found);
      found.catch(() => this.installations.get(key) === found && this.installations.delete(key));
    }
    return found;
  }
}
