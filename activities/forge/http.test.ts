/** How a forge's answers are classified: refused for good, or retried (and when). */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeForgeServer } from '../../test/support/forge-api/server.ts';
import { cut, forgeCall, ForgeRefusal, forgeMessage, type ForgeHttp } from './http.ts';

const http: ForgeHttp = { timeoutMs: 5_000, mask: (s) => s.replaceAll('tok3n', '***') };
let server: FakeForgeServer;
beforeAll(async () => {
  server = await new FakeForgeServer(() => ({ status: 200, body: { ok: true } })).start();
});
afterAll(() => server.close());

const call = (path: string): Promise<unknown> => forgeCall(http, { method: 'GET', url: `${server.url}${path}?token=tok3n`, headers: { Authorization: 'Bearer tok3n' } }).catch((err: unknown) => err);

describe('forge answers', () => {
  it('returns the JSON of a 2xx', async () => {
    expect(await call('/ok')).toEqual({ ok: true });
  });

  it("refuses 4xx with the forge's own words, masked and cut", async () => {
    server.script('GET', /^\/gl$/, { status: 400, body: { message: { state: ['does not have a valid value'] } } });
    expect(await call('/gl')).toMatchObject({ status: 400, answer: '{"state":["does not have a valid value"]}' });
    server.script('GET', /^\/gh$/, { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Status', code: 'custom', message: 'tok3n' }] } });
    const refusal = (await call('/gh')) as ForgeRefusal;
    expect(refusal).toBeInstanceOf(ForgeRefusal);
    expect(refusal.answer).toBe('Validation Failed [{"resource":"Status","code":"custom","message":"***"}]');
    server.script('GET', /^\/long$/, { status: 404, body: { message: 'x'.repeat(1000) } });
    expect(((await call('/long')) as ForgeRefusal).answer).toHaveLength(300);
  });

  it('does not follow a redirect (it would carry the token), and says where it pointed', async () => {
    server.script('GET', /^\/moved$/, { status: 301, headers: { Location: 'https://elsewhere.test/api?x=1' } });
    const refusal = (await call('/moved')) as ForgeRefusal;
    expect(refusal).toMatchObject({ status: 301 });
    expect(refusal.answer).toContain('redirected to https://elsewhere.test/api: give the API');
    expect(server.sent('GET', /elsewhere/)).toHaveLength(0);
  });

  it('retries 5xx, 408, 429 and a spent GitHub rate limit, waiting as the forge asks', async () => {
    const cases: { status: number; headers: Record<string, string>; body?: object; delay: RegExp | undefined }[] = [
      { status: 500, headers: {}, delay: undefined },
      { status: 408, headers: {}, delay: undefined },
      { status: 429, headers: { 'Retry-After': new Date(Date.now() + 30_000).toUTCString() }, delay: /^(29|30|31)s$/ },
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 120) }, delay: /^(119|120|121)s$/ },
      { status: 403, headers: {}, body: { message: 'You have exceeded a secondary rate limit' }, delay: undefined },
    ];
    for (const c of cases) {
      server.script('GET', /^\/busy$/, { status: c.status, headers: c.headers, body: c.body ?? { message: 'busy tok3n' } });
      const failure = (await call('/busy')) as ApplicationFailure;
      expect(failure, `HTTP ${c.status}`).toBeInstanceOf(ApplicationFailure);
      expect(failure.nonRetryable).toBe(false);
      expect(failure.message).not.toContain('tok3n');
      if (c.delay === undefined) expect(failure.nextRetryDelay).toBeUndefined();
      else expect(String(failure.nextRetryDelay)).toMatch(c.delay);
    }
  });

  it('a plain 403 (no access) is refused, not retried', async () => {
    server.script('GET', /^\/denied$/, { status: 403, body: { message: 'Resource not accessible by integration' } });
    expect(await call('/denied')).toMatchObject({ status: 403, answer: 'Resource not accessible by integration' });
  });
});

describe('helpers', () => {
  it('cut keeps whole characters and ends in an ellipsis', () => {
    expect(cut('short', 140)).toBe('short');
    const cutText = cut('✅'.repeat(200), 140);
    expect([...cutText]).toHaveLength(140);
    expect(cutText.endsWith('✅…')).toBe(true);
  });

  it('forgeMessage reads GitHub, GitLab and Gitea error bodies, or the text', () => {
    expect(forgeMessage('{"message":"Bad credentials","documentation_url":"x"}')).toBe('Bad credentials');
    expect(forgeMessage('{"error":"insufficient_scope"}')).toBe('insufficient_scope');
    expect(forgeMessage('<html>Bad Gateway</html>\n')).toBe('<html>Bad Gateway</html>');
  });
});
