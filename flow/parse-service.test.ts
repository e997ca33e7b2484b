import { describe, expect, it } from 'vitest';
import type { FlowIssue } from './errors.ts';
import { allJobs } from './model.ts';
import { parseFlow, validateFlow } from './parse.ts';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
// One stage, one action; job lines start on line 7.
const oneAction = (...jobLines: string[]): string =>
  yaml('uri: acme/shop/ci', 'stages:', '  - name: build', '    actions:', '      - name: deploy', '        jobs:', ...jobLines.map((l) => `          ${l}`));

function issues(text: string): string[] {
  const result = validateFlow(text);
  if (result.ok) throw new Error('expected the flow to be rejected');
  return result.issues.map((i: FlowIssue) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

describe('service jobs', () => {
  it('reads the service block with defaults', () => {
    const flow = parseFlow(
      oneAction(
        '- name: jenkins',
        '  type: service',
        '  title: Build on Jenkins',
        '  service:',
        '    url: "https://ci.example.com/job/${{ flow.uri }}/build"',
        '    headers: { Authorization: "Bearer ${{ secrets.JENKINS }}", X-Count: 3 }',
        '    body: \'{"callback": "${{ callback.url }}"}\'',
        '    callback: { timeout: 30s }',
        '  outputs: [BUILD]',
        '  retries: 2',
        '  allowFailure: true',
        '  if: "run.number > 0"',
        '- name: ping',
        '  type: service',
        '  service: { url: "http://127.0.0.1:9/ping", method: get }',
      ),
    );
    const [jenkins, ping] = allJobs(flow);
    expect(jenkins).toMatchObject({
      kind: 'service',
      path: 'build.deploy.jenkins',
      title: 'Build on Jenkins',
      outputs: ['BUILD'],
      allowFailure: true,
      if: 'run.number > 0',
      retries: { max: 2 },
      service: {
        url: 'https://ci.example.com/job/${{ flow.uri }}/build',
        method: 'POST',
        headers: { Authorization: 'Bearer ${{ secrets.JENKINS }}', 'X-Count': '3' },
        body: '{"callback": "${{ callback.url }}"}',
        callback: { timeoutMs: 30_000 },
      },
    });
    expect(jenkins?.image).toBeUndefined();
    expect(ping?.service).toEqual({ url: 'http://127.0.0.1:9/ping', method: 'GET', headers: {} });
  });

  it('bounds the callback wait by the job timeout, else one hour', () => {
    const flow = parseFlow(
      oneAction(
        '- { name: a, type: service, timeout: 10m, service: { url: "http://h/a", callback: true } }',
        '- { name: b, type: service, service: { url: "http://h/b", callback: true } }',
        '- { name: c, type: service, timeout: 10s, service: { url: "http://h/c", callback: { timeout: 1m } } }',
        '- { name: d, type: service, service: { url: "http://h/d", callback: false } }',
      ),
    );
    expect(allJobs(flow).map((j) => j.service?.callback?.timeoutMs)).toEqual([600_000, 3_600_000, 10_000, undefined]);
  });

  it('rejects container fields, unknown fields, bad URLs, methods and headers with line:column', () => {
    expect(
      issues(
        oneAction(
          '- name: a',
          '  type: service',
          '  endpoint: busybox',
          '  script: make',
          '  inputs: { a: b }',
          '  service:',
          '    url: "ftp://example.com/x"',
          '    method: FETCH',
          '    headers: { "bad header": x }',
          '    verb: POST',
          '- { name: b, type: service, service: { url: "not a url" } }',
          '- { name: c, type: service }',
          '- { name: d, type: service, service: { url: "http://h/", method: GET, body: x, callback: { timeout: 0 } } }',
          '- { name: e, endpoint: busybox, service: { url: "http://h/" } }',
        ),
      ),
    ).toEqual([
      '9:13 stages[0].actions[0].jobs[0].endpoint: "endpoint" is not allowed on a service job: it makes an HTTP call, it runs no container',
      '10:13 stages[0].actions[0].jobs[0].script: "script" is not allowed on a service job: it makes an HTTP call, it runs no container',
      '11:13 stages[0].actions[0].jobs[0].inputs: unknown field "inputs" on a service job',
      '13:20 stages[0].actions[0].jobs[0].service.url: "ftp://example.com/x" is not an http:// or https:// URL',
      '14:23 stages[0].actions[0].jobs[0].service.method: "FETCH" is not an HTTP method; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      '15:26 stages[0].actions[0].jobs[0].service.headers["bad header"]: "bad header" is not a valid HTTP header name',
      '16:15 stages[0].actions[0].jobs[0].service.verb: unknown field "verb"',
      '17:55 stages[0].actions[0].jobs[1].service.url: "not a url" is not an http:// or https:// URL',
      '18:13 stages[0].actions[0].jobs[2].service: a service job needs "service": { url, method, headers, body, callback }',
      '19:87 stages[0].actions[0].jobs[3].service.body: a GET request has no body; use POST, PUT or PATCH',
      '19:111 stages[0].actions[0].jobs[3].service.callback.timeout: must be longer than 0: a callback that may never come needs a bound',
      '20:52 stages[0].actions[0].jobs[4].service: "service" belongs to jobs of type service; add "type: service"',
    ]);
  });

  it('allows callback.url only where a callback is awaited', () => {
    expect(
      issues(
        oneAction(
          '- { name: a, type: service, service: { url: "http://h/${{ callback.url }}" } }',
          '- { name: b, type: service, service: { url: "http://h/", body: "${{ callback.token }}", callback: true } }',
          '- { name: c, endpoint: busybox, script: "echo ${{ callback.url }}" }',
          '- { name: d, type: service, service: { url: "http://h/", headers: { X: "${{ secrets.T }}-${{ env.NOPE }}" } } }',
        ),
      ),
    ).toEqual([
      '7:69 stages[0].actions[0].jobs[0].service.url: expression: callback.url needs "callback: true" (or { timeout }) on the service: without it nothing calls back',
      '8:79 stages[0].actions[0].jobs[1].service.body: expression: "callback" has one property: url',
      '9:61 stages[0].actions[0].jobs[2].script: expression: "callback" can be used only in the url, headers and body of a service job that waits for a callback',
      '10:104 stages[0].actions[0].jobs[3].service.headers.X: expression: unknown environment variable "NOPE" (env holds the flow\'s environments)',
    ]);
  });
});
