/**
 * Temporal's own web UI, as `coflow dev` prints it, with encrypted payloads
 * (COFLOW_CODEC_KEYS) and tokens (COFLOW_TOKENS), in a real Chromium: a run's
 * input shows in its encrypted form until the person signs in to coflow's
 * web UI in the same browser; then it shows decoded — also after the
 * Temporal server was killed and started again by `coflow dev`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.ts';
import { readServerRecord } from '../../cli/server-record.ts';
import { startDev, type DevProcess } from '../support/dev-process.ts';
import { freePort } from '../support/ports.ts';
import { artefactDir, launchBrowser, type TestBrowser, type TestPage } from './support.ts';

const ADMIN = { user: 'ada', token: 'ada-token-0123456789abcdef' };
const KEY = 'k1:6t0WEziupYcqiyMlD5MZzJoKXDs6rtuFHSZOPKnAisI=';
const URI = 'test/codec-ui/held';
// Held at its gate: the run stays open and no container is started.
const FLOW = `uri: ${URI}
inputs:
  target: { description: where to deploy, required: true }
stages:
  - { name: gate, type: pause }
  - name: deploy
    actions:
      - name: a
        jobs:
          - { name: say, endpoint: coflow/shell:1.0.0, script: 'echo "\${{ inputs.target }}"' }
`;
const TARGET = `plum-orchard-${Date.now().toString(36)}`;
/** The payload encoding Temporal's UI shows for a payload it cannot decode: base64 of `binary/encrypted`. */
const ENCRYPTED = Buffer.from('binary/encrypted').toString('base64');

const dir = mkdtempSync(join(tmpdir(), 'coflow-temporal-ui-'));
let dev: DevProcess;
let browser: TestBrowser;
let uiUrl = '';
let apiUrl = '';

beforeAll(async () => {
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    ...process.env,
    COFLOW_DATA_DIR: join(dir, 'data'),
    COFLOW_TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    COFLOW_TEMPORAL_UI_PORT: String(uiPort),
    COFLOW_API_PORT: String(apiPort),
    COFLOW_TEMPORAL_BIN: inject('temporalBin'),
    COFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    COFLOW_TASK_QUEUE: `coflow-temporal-ui-${Date.now()}`,
    COFLOW_CODEC_KEYS: KEY,
    COFLOW_TOKENS: `${ADMIN.user}:admin:${ADMIN.token}`,
  };
  [dev, browser] = await Promise.all([startDev(env), launchBrowser(import.meta.filename)]);
  uiUrl = `http://127.0.0.1:${uiPort}`;
});
afterAll(async () => {
  await browser?.close();
  if (dev && dev.child.exitCode === null) { dev.child.kill('SIGINT'); await dev.exited; }
  rmSync(dir, { recursive: true, force: true });
});

/** The "Input and Result" panel of the run's page, once it shows `text`. */
async function inputShows(p: TestPage, text: string): Promise<string> {
  const panel = p.page.getByTestId('input-and-result');
  await expect.poll(() => panel.innerText(), { timeout: 20_000 }).toContain(text);
  return panel.innerText();
}

describe("Temporal's UI under coflow dev", () => {
  it('shows a run input encrypted before signing in to coflow, and decoded after', async () => {
    expect(dev.out()).toContain(`Temporal UI  ${uiUrl}   (payloads decoded by coflow's codec; sign in to the web UI first)`);
    const api = new ApiClient(apiUrl, ADMIN.token);
    await api.applyFlow(FLOW);
    const run = await api.startRun(URI, { target: TARGET });

    // A person opens the printed Temporal UI and clicks the run in the workflow list.
    const ui = await browser.newPage(uiUrl);
    const decodes: number[] = [];
    ui.page.on('response', (r) => { if (r.url() === `${apiUrl}/api/v1/codec/decode`) decodes.push(r.status()); });
    await ui.page.goto('/namespaces/default/workflows');
    await ui.page.getByRole('link', { name: run.runId }).first().click();
    const before = await inputShows(ui, ENCRYPTED);
    await expect.poll(() => decodes.length).toBeGreaterThan(0);
    expect(before).not.toContain(TARGET);
    await ui.shot('1-input-before-sign-in');
    // The codec refused the browser without a session: the page shows the encrypted payload and says where to sign in.
    expect(new Set(decodes)).toEqual(new Set([401]));
    const banner = ui.page.getByText("coflow's codec did not decode the payloads");
    expect(await banner.innerText()).toBe("coflow's codec did not decode the payloads: sign in to coflow's web UI in this browser (link), then reload this page");
    expect(await ui.page.getByRole('link', { name: `${apiUrl}/` }).count()).toBe(1);

    // Signing in to coflow's web UI in the same browser (its sign-in page), then reloading the run's page.
    const web = await ui.context.newPage();
    await web.goto(`${apiUrl}/`);
    await web.getByLabel('API token').fill(ADMIN.token);
    await web.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => web.locator('header .user').innerText()).toContain(ADMIN.user);
    decodes.length = 0;
    await ui.page.reload();
    const after = await inputShows(ui, TARGET);
    expect(after).toContain(`"runId": "${run.runId}"`);
    expect(after).not.toContain(ENCRYPTED);
    expect(new Set(decodes)).toEqual(new Set([200]));
    expect(await banner.count()).toBe(0);
    await ui.shot('2-input-after-sign-in');
    writeFileSync(join(artefactDir(import.meta.filename), 'input-panel.txt'), `Before signing in (codec answered 401):\n${before}\n\nAfter signing in:\n${after}\n`);

    // The Temporal server dies; coflow dev starts it again behind the same printed address, still decoding.
    const record = readServerRecord(join(dir, 'data', 'temporal.pid'));
    process.kill(record!.pid, 'SIGKILL');
    await dev.waitFor('the Temporal server is back on', 30_000);
    await ui.page.reload();
    await inputShows(ui, TARGET);
    await ui.shot('3-input-after-server-restart');
  });
});
