/**
 * Integration tests of DockerRunner against the real local dockerd, with the
 * locally built `coflow/busybox:1` image (scripts/build-images.sh). Never pulls.
 */
import { randomUUID } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerRunner } from './docker-runner.ts';
import { ImageNotFoundError } from './errors.ts';
import { attemptName } from './attempt-name.ts';
import type { ContainerSpec } from './runner.ts';
import type { LogLine } from '../contracts/logs.ts';

const SOCKET = '/var/run/docker.sock';
const IMAGE = 'coflow/busybox:1';
const docker = new Dockerode({ socketPath: SOCKET });

// These tests need dockerd: fail loudly rather than skip silently.
try {
  await docker.ping();
} catch (err) {
  throw new Error(
    `docker-runner tests need a Docker daemon at ${SOCKET}, which is not reachable (${String(err)}). Start dockerd and build ${IMAGE} with scripts/build-images.sh.`,
  );
}
try {
  await docker.getImage(IMAGE).inspect();
} catch {
  throw new Error(`docker-runner tests need the image ${IMAGE}: run scripts/build-images.sh`);
}

const runner = new DockerRunner({ docker });
const names: string[] = [];

function spec(script: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  const name = attemptName({ runId: `test-${randomUUID()}`, jobPath: 'stage.action.job', attempt: 1 });
  names.push(name);
  return {
    name,
    image: IMAGE,
    command: ['/bin/sh', '-c', script],
    env: {},
    labels: { 'coflow.test': 'docker-runner' },
    resources: {},
    timeoutMs: 0,
    ...extra,
  };
}

function collect(): { lines: LogLine[]; onLine: (l: LogLine) => void } {
  const lines: LogLine[] = [];
  return { lines, onLine: (l) => void lines.push(l) };
}

async function containersNamed(name: string): Promise<Dockerode.ContainerInfo[]> {
  const all = await docker.listContainers({ all: true, filters: { name: [name] } });
  return all.filter((c) => c.Names.includes(`/${name}`));
}

afterAll(async () => {
  // Only a failed test could leave one; never leak containers into the daemon.
  for (const name of names) await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
});

describe('DockerRunner', { timeout: 30_000 }, () => {
  it('streams stdout and stderr lines in order, with streams, timestamps, env, labels and resources', async () => {
    const s = spec('echo one; sleep 0.05; echo "two $FOO" >&2; sleep 0.05; echo three', {
      env: { FOO: 'bar=baz' },
      resources: { cpuMillis: 500, memoryBytes: 64 * 1024 * 1024 },
    });
    const { lines, onLine } = collect();
    let inspected: Dockerode.ContainerInspectInfo | undefined;
    const before = Date.now();
    const result = await runner.run(s, {
      signal: new AbortController().signal,
      onLine: async (l) => {
        inspected ??= await docker.getContainer(s.name).inspect();
        onLine(l);
      },
    });
    const after = Date.now();
    expect(result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'one'],
      ['stderr', 'two bar=baz'],
      ['stdout', 'three'],
    ]);
    for (const l of lines) {
      expect(l.ts).toBeGreaterThanOrEqual(before - 1000);
      expect(l.ts).toBeLessThanOrEqual(after + 1000);
    }
    expect(lines[2]!.ts - lines[0]!.ts).toBeGreaterThanOrEqual(50);
    expect(inspected?.Config.Labels['coflow.test']).toBe('docker-runner');
    expect(inspected?.HostConfig.NanoCpus).toBe(500_000_000);
    expect(inspected?.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(await containersNamed(s.name)).toEqual([]);
  });

  it('returns a non-zero exit code as a result', async () => {
    const s = spec('echo failing; exit 3');
    const result = await runner.run(s, { signal: new AbortController().signal, onLine: () => undefined });
    expect(result).toEqual({ exitCode: 3, timedOut: false, cancelled: false });
    expect(await containersNamed(s.name)).toEqual([]);
  });

  it('reports a container killed at its memory limit as OOMKilled, and a plain SIGKILL as nothing more', async () => {
    // The shell holds 200 MB in a variable: far past a 16 MiB limit.
    const oom = spec('a=$(head -c 200000000 /dev/zero | tr "\\0" x); echo ${#a}', { resources: { memoryBytes: 16 * 1024 * 1024 } });
    const result = await runner.run(oom, { signal: new AbortController().signal, onLine: () => undefined });
    expect(result).toEqual({ exitCode: 137, timedOut: false, cancelled: false, reason: 'OOMKilled' });
    expect(await containersNamed(oom.name)).toEqual([]);
    // An inner shell (and `exit $?` so sh does not exec it as PID 1, which ignores a SIGKILL from inside).
    const killed = await runner.run(spec("sh -c 'kill -9 $$'; exit $?"), { signal: new AbortController().signal, onLine: () => undefined });
    expect(killed).toEqual({ exitCode: 137, timedOut: false, cancelled: false });
  });

  it('delivers a final line without newline, and long lines whole', async () => {
    const { lines, onLine } = collect();
    // 40,000 characters: the daemon splits it into partial messages of 16 KiB.
    const s = spec('printf "first\\r\\n"; head -c 40000 /dev/zero | tr "\\0" x; echo; printf "no newline"');
    await runner.run(s, { signal: new AbortController().signal, onLine });
    expect(lines.map((l) => (l.text.length > 100 ? `${l.text[0]}×${l.text.length}` : l.text))).toEqual([
      'first',
      'x×40000',
      'no newline',
    ]);
  });

  it('kills a job on timeout and leaves no container behind', async () => {
    const s = spec('echo started; sleep 30', { timeoutMs: 1000 });
    const { lines, onLine } = collect();
    const t0 = Date.now();
    const result = await runner.run(s, { signal: new AbortController().signal, onLine });
    expect(result).toEqual({ exitCode: null, timedOut: true, cancelled: false });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(lines.map((l) => l.text)).toEqual(['started']);
    expect(await containersNamed(s.name)).toEqual([]);
  });

  it('kills and removes the container when the signal aborts', async () => {
    const s = spec('echo started; sleep 30');
    const controller = new AbortController();
    const t0 = Date.now();
    const result = await runner.run(s, {
      signal: controller.signal,
      onLine: (l) => {
        if (l.text === 'started') controller.abort();
      },
    });
    expect(result).toEqual({ exitCode: null, timedOut: false, cancelled: true });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await containersNamed(s.name)).toEqual([]);
  });

  it('attaches to a running container of the same name instead of creating one', async () => {
    const s = spec('echo should-not-run');
    // As if a crashed worker's attempt had created and started it.
    const existing = await docker.createContainer({
      name: s.name,
      Image: IMAGE,
      Entrypoint: ['/bin/sh', '-c', 'echo before; sleep 1; echo after >&2; exit 5'],
      Cmd: [],
    });
    await existing.start();
    await new Promise((r) => setTimeout(r, 300));
    const { lines, onLine } = collect();
    const result = await runner.run(s, { signal: new AbortController().signal, onLine });
    expect(result).toEqual({ exitCode: 5, timedOut: false, cancelled: false });
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'before'],
      ['stderr', 'after'],
    ]);
    expect(await containersNamed(s.name)).toEqual([]);
  });

  it('attaches to an exited container and reads its log and exit code', async () => {
    const s = spec('echo should-not-run', { timeoutMs: 1 });
    const existing = await docker.createContainer({ name: s.name, Image: IMAGE, Entrypoint: ['/bin/sh', '-c', 'echo done; exit 7'], Cmd: [] });
    await existing.start();
    await existing.wait();
    const { lines, onLine } = collect();
    const result = await runner.run(s, { signal: new AbortController().signal, onLine });
    // Already exited: judged by its exit code, not by the (long past) timeout.
    expect(result).toEqual({ exitCode: 7, timedOut: false, cancelled: false });
    expect(lines.map((l) => l.text)).toEqual(['done']);
    expect(await containersNamed(s.name)).toEqual([]);
  });

  it('throws ImageNotFoundError for a missing image, without pulling', async () => {
    const s = spec('true', { image: 'coflow/does-not-exist:0' });
    const err: unknown = await runner.run(s, { signal: new AbortController().signal, onLine: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect(err).toMatchObject({ name: 'ImageNotFoundError', image: 'coflow/does-not-exist:0' });
    expect(await containersNamed(s.name)).toEqual([]);
  });
});
