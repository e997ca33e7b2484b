/**
 * The runner suite every JobRunner must pass: one attempt's container driven
 * through `run()` directly, on a real container runtime — lines, env, exit
 * codes, timeout, cancel, attaching to what an earlier attempt left, a
 * missing image, detaching on worker shutdown, and the run's workspace
 * across a re-attach. test/docker-runner.test.ts
 * runs it on docker, test/kubernetes/runner-suite.test.ts on kubernetes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptName } from '../../activities/attempt-name.ts';
import { ImageNotFoundError, WorkerDetachedError } from '../../activities/errors.ts';
import { workspaceVolume } from '../../activities/workspace-name.ts';
import type { ContainerResult, ContainerSpec, JobRunner, RunHooks } from '../../activities/runner.ts';
import type { LogLine } from '../../contracts/logs.ts';

/** A container (docker) or Pod (kubernetes) as the runtime shows it. */
export interface Found {
  /** Container id or Pod UID: one per container ever created. */
  readonly id: string;
  readonly running: boolean;
}

/** What differs between runners. */
export interface RunnerTarget {
  readonly runner: () => JobRunner;
  /** Whether stdout and stderr arrive as separate streams (Kubernetes merges them). */
  readonly separateStreams: boolean;
  /** The container or Pod of that name now, in any state; undefined when there is none. */
  find(name: string): Promise<Found | undefined>;
  /**
   * Creates and starts the container or Pod of `spec` past the runner, as the
   * attempt of a worker that died has left it; resolves with its id once it
   * runs (or already ended).
   */
  startOutside(spec: ContainerSpec): Promise<string>;
  /** Resolves once it has exited (its log and exit code still there). */
  waitExited(name: string): Promise<void>;
  /** Removes it whatever its state (cleanup after a failed test). */
  remove(name: string): Promise<void>;
}

const IMAGE = 'coflow/shell:1.0.0';
/** Time a runner may take to notice a kill, a timeout or a detach on a busy machine. */
const PROMPT_MS = 20_000;

/** Defines the runner tests against one runner. */
export function runnerSuite(target: RunnerTarget): void {
  const names: string[] = [];
  afterAll(async () => {
    // Only a failed test leaves one behind.
    for (const name of names) await target.remove(name).catch(() => undefined);
  });

  function spec(script: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
    const runId = `test/runner-suite/${randomUUID()}`;
    const name = attemptName({ runId, jobPath: 's.a.job', attempt: 1 });
    names.push(name);
    return {
      name,
      image: IMAGE,
      command: ['/bin/sh', '-c', script],
      env: {},
      labels: { 'coflow.run': runId, 'coflow.job': 's.a.job', 'coflow.attempt': '1' },
      resources: {},
      timeoutMs: 0,
      ...extra,
    };
  }

  /** Runs `s` and records its lines and the id of the container it followed (looked up at its first line). */
  async function run(s: ContainerSpec, hooks: Partial<RunHooks> = {}): Promise<{ result: ContainerResult; lines: LogLine[]; followed?: string }> {
    const out: { lines: LogLine[]; followed?: string } = { lines: [] };
    const result = await target.runner().run(s, {
      signal: new AbortController().signal,
      ...hooks,
      onLine: async (line) => {
        if (out.lines.length === 0) out.followed = (await target.find(s.name))?.id;
        out.lines.push(line);
        await hooks.onLine?.(line);
      },
    });
    return { result, ...out };
  }

  const stream = (s: 'stdout' | 'stderr'): 'stdout' | 'stderr' => (target.separateStreams ? s : 'stdout');

  describe('the runner suite', () => {
    it('streams every line in order, with its stream and the time it was printed, in the spec env', async () => {
      const s = spec('echo one; sleep 0.3; echo "two $FOO" >&2; sleep 0.3; echo three', { env: { FOO: 'bar=baz' } });
      const before = Date.now();
      const { result, lines } = await run(s);
      const after = Date.now();
      expect(result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
      // Across two pipes, order holds only with time between the lines.
      expect(lines.map((l) => [l.stream, l.text])).toEqual([
        [stream('stdout'), 'one'],
        [stream('stderr'), 'two bar=baz'],
        [stream('stdout'), 'three'],
      ]);
      for (const l of lines) {
        expect(l.ts).toBeGreaterThanOrEqual(before - 2_000);
        expect(l.ts).toBeLessThanOrEqual(after + 2_000);
      }
      expect(lines[2]!.ts - lines[0]!.ts).toBeGreaterThanOrEqual(500);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('delivers a CRLF line without its CR, and a last line without a newline', async () => {
      const { lines } = await run(spec('printf "first\\r\\n"; printf "no newline"'));
      expect(lines.map((l) => l.text)).toEqual(['first', 'no newline']);
    });

    it('returns a non-zero exit code as a result and removes the container', async () => {
      const s = spec('echo failing; exit 3');
      const { result, lines } = await run(s);
      expect(result).toEqual({ exitCode: 3, timedOut: false, cancelled: false });
      expect(lines.map((l) => l.text)).toEqual(['failing']);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('kills a job at its timeout and leaves nothing behind', async () => {
      const s = spec('echo started; sleep 120', { timeoutMs: 3_000 });
      const t0 = Date.now();
      const { result, lines } = await run(s);
      expect(result).toEqual({ exitCode: null, timedOut: true, cancelled: false });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
      expect(Date.now() - t0).toBeLessThan(3_000 + PROMPT_MS);
      // A slow start may leave no time to print it; nothing else may arrive.
      expect(lines.map((l) => l.text)).toEqual(lines.length === 0 ? [] : ['started']);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('kills and removes the container when the attempt is cancelled', async () => {
      const s = spec('echo started; sleep 120');
      const cancel = new AbortController();
      const t0 = Date.now();
      const { result, lines } = await run(s, { signal: cancel.signal, onLine: () => cancel.abort() });
      expect(result).toEqual({ exitCode: null, timedOut: false, cancelled: true });
      expect(lines.map((l) => l.text)).toEqual(['started']);
      expect(Date.now() - t0).toBeLessThan(PROMPT_MS);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('attaches to a running container of the same name, replays its log from the start and removes it', async () => {
      // The spec says something else: what runs is what the earlier attempt started.
      const s = spec('echo should-not-run');
      const id = await target.startOutside({ ...s, command: ['/bin/sh', '-c', 'echo before; sleep 3; echo after >&2; exit 5'] });
      expect((await target.find(s.name))?.running).toBe(true);
      const { result, lines, followed } = await run(s);
      expect(followed).toBe(id);
      expect(result).toEqual({ exitCode: 5, timedOut: false, cancelled: false });
      expect(lines.map((l) => [l.stream, l.text])).toEqual([
        [stream('stdout'), 'before'],
        [stream('stderr'), 'after'],
      ]);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('attaches to an exited container and reads its log and exit code, whatever the timeout', async () => {
      const s = spec('echo should-not-run', { timeoutMs: 1 });
      const id = await target.startOutside({ ...s, command: ['/bin/sh', '-c', 'echo done; exit 7'], timeoutMs: 0 });
      await target.waitExited(s.name);
      const { result, lines, followed } = await run(s);
      expect(followed).toBe(id);
      // Already exited: judged by its exit code, not by the (long past) timeout.
      expect(result).toEqual({ exitCode: 7, timedOut: false, cancelled: false });
      expect(lines.map((l) => l.text)).toEqual(['done']);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('throws ImageNotFoundError for a missing image with the pull policy Never, without pulling, and leaves nothing behind', async () => {
      const s = spec('true', { image: 'coflow/does-not-exist:0', pullPolicy: 'Never' });
      const t0 = Date.now();
      const err: unknown = await run(s).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageNotFoundError);
      expect(err).toMatchObject({ name: 'ImageNotFoundError', image: 'coflow/does-not-exist:0' });
      expect((err as Error).message).toMatch(/pull policy is Never/);
      expect(Date.now() - t0).toBeLessThan(60_000);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('on detach stops following and leaves the container running; the next run() re-attaches to it and delivers every line', async () => {
      const s = spec('for i in $(seq 1 10); do echo "tick $i"; sleep 0.5; done');
      const detach = new AbortController();
      const first: LogLine[] = [];
      let followed: string | undefined;
      let detachedAt = 0;
      const err: unknown = await target
        .runner()
        .run(s, {
          signal: new AbortController().signal,
          detach: detach.signal,
          onLine: async (l) => {
            followed ??= (await target.find(s.name))?.id;
            first.push(l);
            if (l.text === 'tick 2') {
              detachedAt = Date.now();
              detach.abort();
            }
          },
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerDetachedError);
      expect(Date.now() - detachedAt).toBeLessThan(PROMPT_MS);
      expect(await target.find(s.name)).toEqual({ id: followed, running: true });
      // The job prints on; none of it reaches the detached attempt.
      const delivered = first.length;
      await new Promise((r) => setTimeout(r, 1_200));
      expect(first).toHaveLength(delivered);

      // The retried attempt: the same spec on a fresh runner, as on another worker.
      const second = await run(s);
      expect(second.followed).toBe(followed);
      expect(second.result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
      expect(second.lines.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `tick ${i + 1}`));
      // Replayed from the start with the same timestamps: the store can tell what it already has.
      expect(second.lines.slice(0, delivered)).toEqual(first);
      expect(await target.find(s.name)).toBeUndefined();
    });

    it('keeps the run workspace across a detach and re-attach, and hands it to the next attempt', async () => {
      const first = spec('echo before > /workspace/f; echo wrote; sleep 2; echo after >> /workspace/f');
      const runId = first.labels['coflow.run'] ?? '';
      const workspace = { volume: workspaceVolume(runId), mountPath: '/workspace' };
      const runner = target.runner();
      try {
        const detach = new AbortController();
        const err: unknown = await runner
          .run({ ...first, workspace }, { signal: new AbortController().signal, detach: detach.signal, onLine: (l) => void (l.text === 'wrote' && detach.abort()) })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WorkerDetachedError);
        expect((await run({ ...first, workspace })).result.exitCode).toBe(0);

        const name = attemptName({ runId, jobPath: 's.a.job', attempt: 2 });
        names.push(name);
        const second = await run({ ...first, name, command: ['/bin/sh', '-c', 'cat /workspace/f'], workspace });
        expect(second.lines.map((l) => l.text)).toEqual(['before', 'after']);
      } finally {
        await runner.workspaces?.remove(workspace.volume);
      }
    });
  });
}
