/**
 * Image pulls on the docker runner, as a user sees them: flows whose images
 * live in a real registry on loopback (scripts/registry.sh), one open and one
 * behind htpasswd, with the credentials stored through the secrets API. The
 * images are pushed, then removed locally, so each run must pull.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../cli/api-client.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { allLogs, applyAndRun, job, startHarness, type Harness } from './support/harness.ts';
import { pushFreshImage, registryBinary, removeImage, startRegistry, type TestRegistry } from './support/registry.ts';

const USER = { name: 'ci', password: 'right-horse-battery' };
const JOB = 'build.pull.use';

let harness: Harness;
let open: TestRegistry;
let locked: TestRegistry;
/** Images pushed to the open and the locked registry, with the stamp each holds. */
let openImage: { ref: string; stamp: string };
let lockedImage: { ref: string; stamp: string };
let flowNumber = 0;

beforeAll(async () => {
  const { bin, missing } = registryBinary();
  if (bin === undefined) throw new Error(missing);
  [open, locked] = await Promise.all([startRegistry(bin), startRegistry(bin, USER)]);
  const tag = `t${process.pid}-${Date.now()}`;
  openImage = { ref: `${open.host}/pull/app:${tag}`, stamp: '' };
  openImage.stamp = pushFreshImage(openImage.ref);
  lockedImage = { ref: `${locked.host}/pull/private:${tag}`, stamp: '' };
  lockedImage.stamp = pushFreshImage(lockedImage.ref, { host: locked.host, ...USER });
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
  for (const ref of [openImage?.ref, lockedImage?.ref]) if (ref) removeImage(ref);
  await Promise.all([open?.stop(), locked?.stop()]);
});

/** A one-job flow running `cat /stamp` in `image`, with up to 2 retries (which a pull failure must not use). */
function flow(image: string, policy?: string): string {
  return [
    `uri: test/pull/f${++flowNumber}`,
    'stages:',
    '  - name: build',
    '    actions:',
    '      - name: pull',
    '        jobs:',
    '          - name: use',
    `            endpoint: ${image}`,
    '            script: cat /stamp',
    '            retries: { max: 2, backoff: 1s }',
    ...(policy === undefined ? [] : [`            imagePullPolicy: ${policy}`]),
    '',
  ].join('\n');
}

async function logText(api: ApiClient, run: RunStatus): Promise<string[]> {
  return (await allLogs(api, run.runId, JOB)).map((l) => l.text);
}

function setSecret(api: ApiClient, name: string, value: string): Promise<unknown> {
  return api.request('PUT', `/api/v1/secrets/${name}`, JSON.stringify({ value }), 'application/json');
}

/** The run failed at its one attempt (the retries left unused), with a reason matching `reason`. */
function expectFailedOnce(run: RunStatus, reason: RegExp): void {
  expect(run.state).toBe('failed');
  const attempts = job(run, JOB).attempts;
  expect(attempts).toHaveLength(1);
  expect(attempts[0]?.reason).toMatch(reason);
}

describe('the docker runner pulls images from a registry', () => {
  it('pulls a missing image (IfNotPresent), shows a short summary of the pull in the job log, and runs it', async () => {
    const run = await applyAndRun(harness.api, flow(openImage.ref));
    const lines = await logText(harness.api, run);
    expect(run.state, lines.join('\n')).toBe('succeeded');
    const pull = lines.filter((l) => l.startsWith('[pull] '));
    expect(pull[0]).toBe(`[pull] pulling ${openImage.ref}`);
    // The fresh layer was downloaded, and the summary has one line per layer state, not per progress tick.
    expect(pull.some((l) => / Pull complete$/.test(l))).toBe(true);
    expect(pull.length).toBeLessThan(20);
    expect(lines.at(-1)).toBe(openImage.stamp);
  });

  it('pulls again with Always (the image now present), and not at all with the default when it is present', async () => {
    const always = await applyAndRun(harness.api, flow(openImage.ref, 'Always'));
    expect(always.state).toBe('succeeded');
    expect(await logText(harness.api, always)).toContain(`[pull] Status: Image is up to date for ${openImage.ref}`);
    const present = await applyAndRun(harness.api, flow(openImage.ref));
    expect(await logText(harness.api, present)).toEqual([openImage.stamp]);
  });

  it('fails without retrying, saying why, for Never with a missing image and for an image the registry does not have', async () => {
    const never = await applyAndRun(harness.api, flow(`${open.host}/pull/absent:1`, 'Never'));
    expectFailedOnce(never, /image .*absent:1 not found: .*pull policy is Never/);
    const absent = await applyAndRun(harness.api, flow(`${open.host}/pull/absent:1`));
    expectFailedOnce(absent, /image .*absent:1 not found: .*(manifest unknown|not found)/);
  });

  it('pulls from a registry behind auth with the REGISTRY_<HOST> secret, and never shows the password', async () => {
    const secret = `REGISTRY_${locked.host.replace(/[.:]/g, '_')}`;
    const none = await applyAndRun(harness.api, flow(lockedImage.ref));
    expectFailedOnce(none, new RegExp(`refused .*no credentials stored for ${locked.host}.*check the secret ${secret}`));

    await setSecret(harness.api, secret, JSON.stringify({ username: USER.name, password: USER.password }));
    const run = await applyAndRun(harness.api, flow(lockedImage.ref));
    const lines = await logText(harness.api, run);
    expect(run.state, lines.join('\n')).toBe('succeeded');
    expect(lines).toContain(`[pull] pulling ${lockedImage.ref} as ${USER.name}`);
    expect(lines.at(-1)).toBe(lockedImage.stamp);
    expect(lines.join('\n')).not.toContain(USER.password);
  });

  it('fails at once, without retrying, when the registry refuses the stored password', async () => {
    removeImage(lockedImage.ref);
    const secret = `REGISTRY_${locked.host.replace(/[.:]/g, '_')}`;
    await setSecret(harness.api, secret, `${USER.name}:wrong-password`);
    const started = Date.now();
    const run = await applyAndRun(harness.api, flow(lockedImage.ref));
    expectFailedOnce(run, new RegExp(`registry ${locked.host} refused .*(unauthorized|authentication required).*check the secret ${secret}`));
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
