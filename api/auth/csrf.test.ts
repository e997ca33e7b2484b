import { describe, expect, it } from 'vitest';
import { cameOverHttps, codecOriginProblem, csrfProblem, originProblem, ownOrigins } from './csrf.ts';

const OWN = ['http://127.0.0.1:8080'];
const matches = (presented: string): boolean => presented === 'right';

describe('the CSRF rules of session requests', () => {
  it('let reads through whatever they carry', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(csrfProblem({ method, origin: 'https://evil.example', ownOrigins: OWN }, matches)).toBeUndefined();
    }
  });

  it('let a change through with the right header from this origin, or from a client that names no origin', () => {
    expect(csrfProblem({ method: 'POST', csrf: 'right', origin: 'http://127.0.0.1:8080', ownOrigins: OWN }, matches)).toBeUndefined();
    expect(csrfProblem({ method: 'DELETE', csrf: 'right', referer: 'http://127.0.0.1:8080/runs/1', ownOrigins: OWN }, matches)).toBeUndefined();
    expect(csrfProblem({ method: 'PUT', csrf: 'right', ownOrigins: OWN }, matches)).toBeUndefined();
  });

  it('refuse a change without the header, with a wrong one, or from another origin, saying which', () => {
    expect(csrfProblem({ method: 'POST', ownOrigins: OWN }, matches)).toMatch(/^a POST signed in by the session cookie needs the X-Coflow-CSRF header/);
    expect(csrfProblem({ method: 'post', csrf: '', ownOrigins: OWN }, matches)).toMatch(/needs the X-Coflow-CSRF header/);
    expect(csrfProblem({ method: 'POST', csrf: 'wrong', ownOrigins: OWN }, matches)).toMatch(/^the X-Coflow-CSRF header is not this session's csrf value/);
    expect(csrfProblem({ method: 'POST', csrf: 'right', origin: 'https://evil.example', ownOrigins: OWN }, matches))
      .toBe('the request comes from https://evil.example (its Origin header), not from this server (http://127.0.0.1:8080)');
    expect(csrfProblem({ method: 'POST', csrf: 'right', origin: 'null', ownOrigins: OWN }, matches)).toMatch(/comes from null/);
    expect(csrfProblem({ method: 'PATCH', csrf: 'right', referer: 'https://evil.example/page', ownOrigins: OWN }, matches)).toMatch(/evil.example \(its Referer header\)/);
    expect(originProblem({ method: 'POST', referer: 'not a url', ownOrigins: OWN })).toBe('the Referer header is not a URL');
  });

  it('count as own the arrival URL, the host behind an https proxy, and the public URL', () => {
    const headers = { host: 'coflow.example.com', forwardedProto: 'https' };
    expect(ownOrigins('http://coflow.example.com/api/v1/flows', headers, 'https://ci.example.com/coflow')).toEqual([
      'http://coflow.example.com', 'https://coflow.example.com', 'https://ci.example.com',
    ]);
    expect(ownOrigins('http://10.0.0.5:8080/x', { host: '10.0.0.5:8080', forwardedProto: 'https, http', forwardedHost: 'Coflow.Example.com:443' })).toEqual([
      'http://10.0.0.5:8080', 'https://coflow.example.com',
    ]);
    expect(cameOverHttps('http://x/', headers)).toBe(true);
    expect(cameOverHttps('https://x/', {})).toBe(true);
    expect(cameOverHttps('http://x/', { forwardedProto: 'http' })).toBe(false);
  });

  it('let a codec call through from this server or an allowed origin without the header, and nothing else', () => {
    const UI = ['http://127.0.0.1:8233'];
    expect(codecOriginProblem({ method: 'POST', origin: 'http://127.0.0.1:8233', ownOrigins: OWN }, UI)).toBeUndefined();
    expect(codecOriginProblem({ method: 'POST', referer: 'http://127.0.0.1:8080/runs', ownOrigins: OWN }, UI)).toBeUndefined();
    expect(codecOriginProblem({ method: 'OPTIONS', ownOrigins: OWN }, UI)).toBeUndefined();
    expect(codecOriginProblem({ method: 'POST', origin: 'http://127.0.0.1:9999', ownOrigins: OWN }, UI))
      .toBe('the codec call comes from http://127.0.0.1:9999 (its Origin header), neither this server (http://127.0.0.1:8080) nor an origin of COFLOW_CODEC_CORS_ORIGINS (http://127.0.0.1:8233)');
    expect(codecOriginProblem({ method: 'POST', origin: 'http://127.0.0.1:8233', ownOrigins: OWN }, [])).toMatch(/COFLOW_CODEC_CORS_ORIGINS \(none\)$/);
    expect(codecOriginProblem({ method: 'POST', ownOrigins: OWN }, UI)).toMatch(/^a codec call signed in by the session cookie must name its Origin/);
    expect(codecOriginProblem({ method: 'POST', referer: '::', ownOrigins: OWN }, UI)).toBe('the Referer header is not a URL');
  });
});
