/**
 * The component library, each component run for real on Docker and Temporal:
 * git-clone from a git daemon in a container, http against a server of this
 * test on the Docker bridge, python-test and node-test on tiny projects, and
 * the clone → test chain through the run's workspace.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAndRun, allLogs, job, startHarness, type Harness } from './support/harness.ts';
import { startGitServer, type GitServer } from './support/git-server.ts';
import { repoRoot } from './support/paths.ts';

const BODY = 'hello from the library test\n';
const requests: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];
let h: Harness;
let git: GitServer;
let server: Server;
let base: string;

beforeAll(async () => {
  // Job containers reach this process at the bridge's gateway address.
  const gateway = execFileSync('docker', ['network', 'inspect', 'bridge', '-f', '{{(index .IPAM.Config 0).Gateway}}'], { encoding: 'utf8' }).trim();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/hello') res.writeHead(200, { 'content-type': 'text/plain' }).end(BODY);
      else res.writeHead(404).end('no such page\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, gateway, resolve));
  const address = server.address();
  base = `http://${gateway}:${typeof address === 'object' && address ? address.port : 0}`;
  [h, git] = await Promise.all([startHarness(), startGitServer()]);
});

afterAll(async () => {
  git?.stop();
  await h?.stop();
  await new Promise((r) => server?.close(r));
});

/**
 * A job script (indented for a block scalar) that writes fixture files into
 * /workspace/proj, then `extra`, then runs the component's own program.
 */
function seeded(files: readonly string[], program: string, extra = ''): string {
  const writes = files.map((f) => `mkdir -p "$(dirname /workspace/proj/${f})" && cat > /workspace/proj/${f} <<'EOF'\n${readFileSync(join(repoRoot, 'test/fixtures/library-repo', f), 'utf8')}EOF`);
  return [...writes, extra, `exec ${program}`].join('\n').replace(/^/gm, '              ');
}

describe('each library component on its own', () => {
  it('clones a branch, calls URLs, runs pytest and npm test, with the outputs each declares', async () => {
    const failing = `cat >> /workspace/proj/test_calc.py <<'EOF'\n\n\ndef test_fails():\n    assert 1 + 1 == 3\nEOF`;
    const run = await applyAndRun(
      h.api,
      `
uri: test/library/each
stages:
  - name: lib
    sequencing: parallel
    actions:
      - name: clone
        jobs:
          - { name: release, component: library/git-clone@1, inputs: { url: "${git.url}", branch: release }, outputs: [commit, branch, message] }
      - name: http
        jobs:
          - name: post
            component: library/http@1
            inputs: { url: "${base}/hello", method: POST, body: "ping", headers: "X-Coflow: library" }
          - { name: missing, component: library/http@1, inputs: { url: "${base}/missing" }, allowFailure: true }
      - name: pytest
        jobs:
          - name: py
            component: library/python-test@1
            inputs: { dir: proj }
            allowFailure: true
            script: |
${seeded(['calc.py', 'test_calc.py'], 'coflow-python-test', failing)}
      - name: npm
        jobs:
          - name: node
            component: library/node-test@1.0
            inputs: { dir: proj }
            script: |
${seeded(['package.json', 'test/add.test.js'], 'coflow-node-test')}
`,
    );
    expect(job(run, 'lib.clone.release')).toMatchObject({ state: 'succeeded', outputs: { commit: git.commits.release, branch: 'release', message: 'Release 1.0', dir: '/workspace/src' } });

    const digest = `sha256:${createHash('sha256').update(BODY).digest('hex')}`;
    expect(job(run, 'lib.http.post')).toMatchObject({ state: 'succeeded', outputs: { status: '200', digest, size: String(BODY.length) } });
    expect(requests.find((r) => r.url === '/hello')).toMatchObject({ method: 'POST', body: 'ping', headers: { 'x-coflow': 'library' } });
    // A failed job keeps no outputs: what it printed is in its log.
    const logOf = async (path: string): Promise<string[]> => (await allLogs(h.api, run.runId, path)).map((l) => l.text);
    const missing = job(run, 'lib.http.missing');
    expect([missing.state, missing.attempts.at(-1)?.reason]).toEqual(['failed', 'the component reported CO_RESULT=false']);
    expect(await logOf('lib.http.missing')).toEqual(expect.arrayContaining(['[COUT] status = 404', 'status 404 is not what was expected (2xx)']));

    const py = job(run, 'lib.pytest.py');
    expect([py.state, py.attempts.at(-1)?.reason]).toEqual(['failed', 'exited with code 1']);
    expect(await logOf('lib.pytest.py')).toEqual(expect.arrayContaining(['[COUT] tests = 4', '[COUT] failures = 1', '[COUT] errors = 0', '[COUT] skipped = 1', '[COUT] passed = 2']));
    expect(job(run, 'lib.npm.node')).toMatchObject({ state: 'succeeded', outputs: { tests: '2', passed: '2', failures: '0', exit: '0' } });
    expect(run.state).toBe('succeeded'); // the failures were allowed
  });

  it('is listed by the API with versions, inputs and outputs', async () => {
    const { components } = await h.api.components();
    expect(components.map((c) => `${c.namespace}/${c.name}@${c.version}`)).toEqual(
      ['git-clone', 'http', 'kubectl', 'node-test', 'python-test', 'shell'].map((n) => `library/${n}@1.0.0`),
    );
    const [clone] = (await h.api.component('library/git-clone')).versions;
    expect(clone?.inputs.find((i) => i.name === 'url')).toMatchObject({ required: true, secret: false });
    expect(clone?.outputs.map((o) => o.name)).toEqual(['commit', 'branch', 'message', 'dir']);
    expect(clone).toMatchObject({ image: 'coflow/git-clone:1.0.0', timeoutMs: 300_000, resources: { cpuMillis: 500, memoryBytes: 256 * 2 ** 20 } });
  });

  it('refuses a flow that gives a component an input it does not take, before anything is stored', async () => {
    const bad = `uri: test/library/bad\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n          - { name: j, component: library/http@1, inputs: { link: "${base}/hello" } }\n`;
    await expect(h.api.applyFlow(bad)).rejects.toMatchObject({ status: 422, code: 'invalid_component_use' });
    await expect(h.api.flowVersions('test/library/bad')).rejects.toMatchObject({ status: 404 });
  });
});

describe('the clone → test chain through the workspace', () => {
  it('clones into /workspace, then pytest and npm test run on the clone', async () => {
    const run = await applyAndRun(
      h.api,
      `
uri: test/library/chain
workspace: true
stages:
  - name: checkout
    actions:
      - name: git
        jobs:
          - { name: clone, component: library/git-clone@1, inputs: { url: "${git.url}" } }
  - name: test
    sequencing: parallel
    actions:
      - name: python
        jobs:
          - { name: pytest, component: library/python-test@1 }
      - name: node
        jobs:
          - { name: npm, component: library/node-test@1 }
`,
    );
    expect(job(run, 'checkout.git.clone').outputs).toMatchObject({ commit: git.commits.main, branch: 'main', message: 'Add calc with its tests' });
    expect(job(run, 'test.python.pytest')).toMatchObject({ state: 'succeeded', outputs: { tests: '3', failures: '0', errors: '0', skipped: '1', passed: '2', report: '/workspace/reports/pytest-junit.xml' } });
    expect(job(run, 'test.node.npm')).toMatchObject({ state: 'succeeded', outputs: { tests: '2', passed: '2', failures: '0' } });
    expect(run.state).toBe('succeeded');
    // The workspace outlives the run until its retention ends: this test's goes now.
    const volumes = execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=coflow.run=${run.runId}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (volumes.length > 0) execFileSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
  });
});
