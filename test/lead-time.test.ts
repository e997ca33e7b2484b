/**
 * Lead time's shipped commits read from a real git clone in a real Docker
 * volume with the coflow/git-clone image: committer times (not author times),
 * previous..commit, and the fallback on the trigger when the clone cannot
 * answer. The WorkspaceExec here mounts the volume read-only and runs argv as
 * the engine's docker one does (activities/deploy/workspace-exec.ts).
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadTimeActivities } from '../activities/deploy/lead-time.ts';
import type { WorkspaceExec } from '../activities/deploy/workspace-exec.ts';

const IMAGE = 'coflow/git-clone:1.0.0';
const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
const volume = `coflow-test-lead-time-${randomBytes(4).toString('hex')}`;

async function run(argv: readonly string[], readOnly: boolean): Promise<{ exitCode: number; stdout: string }> {
  const container = await docker.createContainer({
    Image: IMAGE, Entrypoint: [argv[0]!], Cmd: argv.slice(1), WorkingDir: '/workspace', User: readOnly ? '' : '0',
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/workspace', ReadOnly: readOnly }] },
  });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    docker.modem.demuxStream(stream, out, new PassThrough().resume());
    const ended = new Promise<void>((resolve) => stream.on('end', () => resolve()));
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
    return { exitCode: StatusCode, stdout: Buffer.concat(chunks).toString('utf8') };
  } finally {
    await container.remove({ force: true });
  }
}

const exec: WorkspaceExec = { exec: (_runId, _flowUri, argv) => run(argv, true).then((r) => ({ ...r, stderr: '' })) };
let shas: string[] = []; // oldest first

beforeAll(async () => {
  await docker.createVolume({ Name: volume });
  // A clone one level down (git-clone's `dir: src`), three commits whose author times are a month older than their committer times.
  const made = await run(['sh', '-c', `set -e; mkdir /workspace/src; cd /workspace/src; git init -q; git config user.email t@example.com; git config user.name t
    for i in 1 2 3; do echo $i > f; git add f; GIT_AUTHOR_DATE=2025-12-0\${i}T10:00:00Z GIT_COMMITTER_DATE=2026-01-0\${i}T10:00:00Z git commit -qm c$i; done
    chmod -R a+rX /workspace; git log --reverse --format=%H`], false);
  expect(made.exitCode).toBe(0);
  shas = made.stdout.trim().split('\n');
  expect(shas).toHaveLength(3);
});

afterAll(async () => {
  await docker.getVolume(volume).remove({ force: true });
});

describe('shippedCommits from the run workspace', () => {
  const activities = createLeadTimeActivities({ workspace: exec, gitImage: IMAGE });
  const base = { runId: 'test/lead/time#1', flowUri: 'test/lead/time', workspace: true };

  it('lists previous..commit oldest first with committer times', async () => {
    expect(await activities.shippedCommits({ ...base, commit: shas[2], previousCommit: shas[0] })).toEqual([
      { sha: shas[1], committedAt: '2026-01-02T10:00:00.000Z' },
      { sha: shas[2], committedAt: '2026-01-03T10:00:00.000Z' },
    ]);
  });

  it('without a previous deployment lists only the deployed commit', async () => {
    expect(await activities.shippedCommits({ ...base, commit: shas[1] })).toEqual([{ sha: shas[1], committedAt: '2026-01-02T10:00:00.000Z' }]);
  });

  it('falls back on the trigger when the clone lacks the previous commit (a shallow clone)', async () => {
    const pushed = [{ sha: shas[2]!, committedAt: '2026-01-03T09:00:00.000Z' }];
    const got = await activities.shippedCommits({ ...base, commit: shas[2], previousCommit: 'f'.repeat(40), trigger: { kind: 'github', event: 'push', commits: pushed } });
    expect(got).toEqual(pushed);
  });
});
