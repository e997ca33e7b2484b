/**
 * coflow's processes on a Temporal server that requires mutual TLS (a secured
 * cluster): with the CA, client certificate and key named by
 * COFLOW_TEMPORAL_TLS_*, `coflow api` and `coflow worker` connect and run a
 * flow; without the client certificate they are refused and say so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { startTopology, type Topology } from './topology.ts';

const dir = mkdtempSync(join(tmpdir(), 'coflow-temporal-tls-'));
const port = Number(process.env.COFLOW_PROD_TEMPORAL_PORT ?? 17233) + 100;
const pgPort = new URL(inject('postgresUrl')).port;
const serverEnv = {
  TEMPORAL_DB_HOST: '127.0.0.1', TEMPORAL_DB_PORT: pgPort, TEMPORAL_DB_USER: 'coflow',
  TEMPORAL_DB: 'temporal_tls', TEMPORAL_VISIBILITY_DB: 'temporal_tls_visibility',
  TEMPORAL_TLS_CERT: join(dir, 'server.crt'), TEMPORAL_TLS_KEY: join(dir, 'server.key'), TEMPORAL_TLS_CLIENT_CA: join(dir, 'ca.crt'),
};
let topology: Topology;

/** A CA, and a certificate it signs for `name` (server and client use), with openssl. */
function certificates(): void {
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=coflow-test-ca', '-days', '2');
  for (const name of ['server', 'client']) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'coflow-worker'}`);
    writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  }
}

const temporal = (cmd: string): string =>
  execFileSync('bash', [join(repoRoot, 'scripts/temporal-server.sh'), cmd, String(port)], { env: { ...process.env, ...serverEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

beforeAll(async () => {
  certificates();
  for (const db of [serverEnv.TEMPORAL_DB, serverEnv.TEMPORAL_VISIBILITY_DB]) {
    execFileSync('bash', [join(repoRoot, 'scripts/postgres.sh'), 'psql', pgPort, '-q', '-c', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`], { stdio: 'ignore' });
  }
  temporal('start');
  topology = await startTopology('temporal-tls', inject('postgresUrl'));
}, 180_000);

afterAll(async () => {
  await topology?.close();
  temporal('stop');
  rmSync(dir, { recursive: true, force: true });
});

describe('a Temporal server that requires mutual TLS', () => {
  const tls = {
    COFLOW_TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    COFLOW_TEMPORAL_TLS_CA: join(dir, 'ca.crt'),
    COFLOW_TEMPORAL_TLS_SERVER_NAME: 'localhost',
  };

  it('serves coflow processes that present the client certificate', async () => {
    const clientCert = { ...tls, COFLOW_TEMPORAL_TLS_CERT: join(dir, 'client.crt'), COFLOW_TEMPORAL_TLS_KEY: join(dir, 'client.key') };
    const worker = await topology.worker(clientCert);
    const api = await topology.api(undefined, clientCert);
    const flow = await api.client.applyFlow(`
uri: prod/tls/hello
stages:
  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "echo over mutual TLS" } ] } ] }
`);
    const { runId } = await api.client.startRun(flow.uri);
    for (let i = 0; ; i++) {
      const run = await api.client.runStatus(runId);
      if (run.state === 'succeeded') break;
      if (['failed', 'cancelled'].includes(run.state) || i > 240) throw new Error(`run ${runId} ended ${run.state}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await api.client.logs(runId, {})).lines.map((l) => l.text)).toEqual(['over mutual TLS']);
    await Promise.all([api.stop(), worker.stop()]);
  });

  it('refuses a process without the client certificate, and it says where it could not connect (after the 60 s start-up wait)', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'worker'], {
      env: { ...process.env, ...topology.env, ...tls },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^coflow: Temporal at 127\\.0\\.0\\.1:${port} \\(namespace default\\) is not reachable after 60 s`));
    expect(r.stderr).toContain('needs COFLOW_TEMPORAL_TLS_CERT and COFLOW_TEMPORAL_TLS_KEY');
    expect(r.stderr).not.toContain('    at '); // a message, not a stack
  });
});
