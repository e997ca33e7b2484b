/**
 * An API server restarted while `coflow logs -f` follows a job: the CLI
 * reconnects and resumes after the last line it printed, so it prints every
 * line the component printed exactly once, and the run completes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/app.ts';
import { loadCatalog } from '../components/catalog.ts';
import { countingFlow } from './support/counting-flow.ts';
import { repoRoot, startHarness, waitForRun, type Harness } from './support/harness.ts';

const LINES = 40;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** An API server of its own on `port` (0: any), sharing the harness's store and Temporal. */
async function startApi(port: number): Promise<ServerType> {
  const app = createApi({ store: h.platform.store, temporal: h.platform.client, taskQueue: h.taskQueue, catalog: loadCatalog(join(repoRoot, 'components')) });
  return new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
}

async function stopApi(server: ServerType): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  (server as HttpServer).closeAllConnections();
  await closed;
}

describe('an API restart during a log follow', () => {
  it('loses no line and duplicates none', async () => {
    let api = await startApi(0);
    const port = (api.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    await h.api.applyFlow(countingFlow('test/api-restart/follow', LINES, 0.25));
    const { runId } = await h.api.startRun('test/api-restart/follow');

    const cli = spawn(process.execPath, [join(repoRoot, 'cli/coflow.ts'), 'logs', runId, 's.a.count', '-f'], {
      env: { ...process.env, COFLOW_API: base },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    cli.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));

    // Restart the API once the CLI has printed a few lines; keep it down for 3 s.
    const deadline = Date.now() + 60_000;
    while (stdout.split('\n').length < 6) {
      if (Date.now() > deadline) throw new Error(`the CLI printed no lines: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopApi(api);
    const printedWhileDown = stdout;
    await new Promise((r) => setTimeout(r, 3_000));
    api = await startApi(port);

    expect(await exited).toBe(0);
    await stopApi(api);
    expect((await waitForRun(h.api, runId)).state).toBe('succeeded');
    expect(stdout.length).toBeGreaterThan(printedWhileDown.length);
    expect(stdout.trimEnd().split('\n')).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
  });
});
