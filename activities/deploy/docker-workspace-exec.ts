/**
 * WorkspaceExec on the docker runner: a short-lived container of the helper
 * image on the run's workspace volume, named after the volume and the
 * command (a retry replaces it), removed once its output is read.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { statusOf } from '../errors.ts';
import { workspaceVolume } from '../workspace-name.ts';
import { boundedText, EXEC_OUTPUT_LIMIT, WorkspaceGoneError } from './exec-output.ts';
import type { WorkspaceExec, WorkspaceExecOptions, WorkspaceExecResult } from './workspace-exec.ts';

export interface DockerWorkspaceExecOptions {
  readonly docker: Dockerode;
  readonly image: string;
  /** Default 60 s. */
  readonly timeoutMs?: number;
}

export class DockerWorkspaceExec implements WorkspaceExec {
  readonly #o: DockerWorkspaceExecOptions;

  constructor(options: DockerWorkspaceExecOptions) {
    this.#o = options;
  }

  async exec(runId: string, _flowUri: string, argv: readonly string[], options: WorkspaceExecOptions = {}): Promise<WorkspaceExecResult> {
    const { docker } = this.#o;
    const volume = workspaceVolume(runId);
    try {
      await docker.getVolume(volume).inspect();
    } catch (err) {
      if (statusOf(err) === 404) throw new WorkspaceGoneError(`the workspace of run ${runId} is gone (volume ${volume})`);
      throw err;
    }
    const name = `${volume}-exec-${createHash('sha256').update(JSON.stringify(argv)).digest('hex').slice(0, 10)}`;
    await removeQuietly(docker.getContainer(name));
    const container = await docker.createContainer({
      name,
      Image: options.image ?? this.#o.image,
      Entrypoint: [argv[0] ?? 'true'],
      Cmd: argv.slice(1),
      WorkingDir: '/workspace',
      Labels: { 'coflow.run': runId, 'app.kubernetes.io/managed-by': 'coflow' },
      HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/workspace', ReadOnly: true }] },
    });
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      const out = new PassThrough();
      const err = new PassThrough();
      const stdout = boundedText(out, EXEC_OUTPUT_LIMIT);
      const stderr = boundedText(err, EXEC_OUTPUT_LIMIT);
      const ended = new Promise<void>((resolve) => stream.on('end', () => resolve()));
      docker.modem.demuxStream(stream, out, err);
      await container.start();
      const timeoutMs = options.timeoutMs ?? this.#o.timeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`workspace helper ${name} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      });
      try {
        const { StatusCode } = (await Promise.race([container.wait(), timedOut])) as { StatusCode: number };
        // The attach stream ends after the last output; a stuck one is not waited for long.
        await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
        out.end();
        err.end();
        return { exitCode: StatusCode, stdout: await stdout, stderr: await stderr };
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await removeQuietly(container);
    }
  }
}

async function removeQuietly(container: Dockerode.Container): Promise<void> {
  try {
    await container.remove({ force: true });
  } catch (err) {
    if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
  }
}
