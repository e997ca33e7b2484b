/**
 * The docker runner against the real local dockerd: the runner suite
 * (test/support/runner-suite.ts), then what only Docker has — container
 * labels and resources, separate OOM reporting, lines past the daemon's
 * 16 KiB split. Never pulls: the images are built locally by the global setup.
 */
import { randomUUID } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptName } from '../activities/attempt-name.ts';
import { DockerRunner } from '../activities/docker-runner.ts';
import { statusOf } from '../activities/errors.ts';
import type { ContainerSpec } from '../activities/runner.ts';
import type { LogLine } from '../contracts/logs.ts';
import { runnerSuite, type Found } from './support/runner-suite.ts';

const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
const runner = new DockerRunner({ docker });

async function find(name: string): Promise<Found | undefined> {
  try {
    const info = await docker.getContainer(name).inspect();
    return { id: info.Id, running: info.State.Running };
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

runnerSuite({
  runner: () => runner,
  separateStreams: true,
  find,
  async startOutside(spec) {
    const container = await docker.createContainer({
      name: spec.name,
      Image: spec.image,
      ...(spec.command ? { Entrypoint: [...spec.command], Cmd: [] } : {}),
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: { ...spec.labels },
      HostConfig: { LogConfig: { Type: 'json-file', Config: {} } },
    });
    await container.start();
    return container.id;
  },
  async waitExited(name) {
    await docker.getContainer(name).wait();
  },
  async remove(name) {
    await docker.getContainer(name).remove({ force: true });
  },
});

describe('what only the docker runner has', () => {
  const names: string[] = [];
  afterAll(async () => {
    for (const name of names) await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  });

  function spec(script: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
    const runId = `test/docker-runner/${randomUUID()}`;
    const name = attemptName({ runId, jobPath: 's.a.job', attempt: 1 });
    names.push(name);
    return {
      name,
      image: 'coflow/busybox:1',
      command: ['/bin/sh', '-c', script],
      env: {},
      labels: { 'coflow.run': runId, 'coflow.test': 'docker-runner' },
      resources: {},
      timeoutMs: 0,
      ...extra,
    };
  }
  const run = (s: ContainerSpec, onLine: (l: LogLine) => void = () => undefined) => runner.run(s, { signal: new AbortController().signal, onLine });

  it('gives the container its labels and resource limits', async () => {
    const s = spec('echo hi', { resources: { cpuMillis: 500, memoryBytes: 64 * 1024 * 1024 } });
    let inspected: Dockerode.ContainerInspectInfo | undefined;
    const result = await runner.run(s, {
      signal: new AbortController().signal,
      onLine: async () => {
        inspected ??= await docker.getContainer(s.name).inspect();
      },
    });
    expect(result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
    expect(inspected?.Config.Labels['coflow.test']).toBe('docker-runner');
    expect(inspected?.HostConfig.NanoCpus).toBe(500_000_000);
    expect(inspected?.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(await find(s.name)).toBeUndefined();
  });

  it('reports a container killed at its memory limit as OOMKilled, and a plain SIGKILL as nothing more', async () => {
    // The shell holds 200 MB in a variable: far past a 16 MiB limit.
    const oom = spec('a=$(head -c 200000000 /dev/zero | tr "\\0" x); echo ${#a}', { resources: { memoryBytes: 16 * 1024 * 1024 } });
    expect(await run(oom)).toEqual({ exitCode: 137, timedOut: false, cancelled: false, reason: 'OOMKilled' });
    expect(await find(oom.name)).toBeUndefined();
    // An inner shell (and `exit $?` so sh does not exec it as PID 1, which ignores a SIGKILL from inside).
    expect(await run(spec("sh -c 'kill -9 $$'; exit $?"))).toEqual({ exitCode: 137, timedOut: false, cancelled: false });
  });

  it('on attach to a container an earlier try created after pulling, has the caller skip that try\'s pull lines first', async () => {
    const s = spec('echo one; echo two');
    const created = await docker.createContainer({
      name: s.name, Image: s.image, Entrypoint: [...(s.command ?? [])], Cmd: [],
      Labels: { ...s.labels, 'coflow.pull-lines': '4' }, HostConfig: { LogConfig: { Type: 'json-file', Config: {} } },
    });
    await created.start();
    const seen: string[] = [];
    const result = await runner.run(s, { signal: new AbortController().signal, onLine: (l) => void seen.push(l.text), skipLines: (n) => void seen.push(`skip ${n}`) });
    expect(result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
    expect(seen).toEqual(['skip 4', 'one', 'two']);
  });

  it('delivers lines past the daemon 16 KiB split whole', async () => {
    const lines: LogLine[] = [];
    // 40,000 characters: the daemon splits it into partial messages of 16 KiB.
    await run(spec('echo first; head -c 40000 /dev/zero | tr "\\0" x; echo; echo last'), (l) => void lines.push(l));
    expect(lines.map((l) => (l.text.length > 100 ? `${l.text[0]}×${l.text.length}` : l.text))).toEqual(['first', 'x×40000', 'last']);
  });
});
