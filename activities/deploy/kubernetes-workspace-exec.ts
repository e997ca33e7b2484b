/**
 * WorkspaceExec on the kubernetes runner: a Pod of the helper image mounting
 * the run's workspace claim (read-only, next to the run's other Pods), waited
 * for, its log read (stdout and stderr together, bounded), deleted.
 */
import { deletePodAndWait } from '../kubernetes-pod-delete.ts';
import { createHash } from 'node:crypto';
import type { CoreV1Api } from '@kubernetes/client-node';
import { statusOf } from '../errors.ts';
import { workspacePodParts, type WorkspaceClaimSettings } from '../kubernetes-workspace.ts';
import { workspaceVolume } from '../workspace-name.ts';
import { EXEC_OUTPUT_LIMIT, OutputTooLongError, WorkspaceGoneError } from './exec-output.ts';
import type { WorkspaceExec, WorkspaceExecOptions, WorkspaceExecResult } from './workspace-exec.ts';

export interface KubernetesWorkspaceExecOptions {
  readonly core: CoreV1Api;
  /** The runner's namespace (where the workspace claims are). */
  readonly namespace: string;
  readonly claim: WorkspaceClaimSettings;
  readonly image: string;
  readonly imagePullPolicy: string;
  /** Default 60 s. */
  readonly timeoutMs?: number;
}

export class KubernetesWorkspaceExec implements WorkspaceExec {
  readonly #o: KubernetesWorkspaceExecOptions;

  constructor(options: KubernetesWorkspaceExecOptions) {
    this.#o = options;
  }

  async exec(runId: string, _flowUri: string, argv: readonly string[], options: WorkspaceExecOptions = {}): Promise<WorkspaceExecResult> {
    const { core, namespace } = this.#o;
    const volume = workspaceVolume(runId);
    try {
      await core.readNamespacedPersistentVolumeClaim({ name: volume, namespace });
    } catch (err) {
      if (statusOf(err) === 404) throw new WorkspaceGoneError(`the workspace of run ${runId} is gone (claim ${namespace}/${volume})`);
      throw err;
    }
    const name = `${volume}-exec-${createHash('sha256').update(JSON.stringify(argv)).digest('hex').slice(0, 10)}`;
    const parts = workspacePodParts({ volume, mountPath: '/workspace' }, this.#o.claim);
    await this.#delete(name);
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name, namespace, labels: { ...parts.labels, 'app.kubernetes.io/managed-by': 'coflow' } },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 0,
          ...(parts.affinity ? { affinity: parts.affinity } : {}),
          volumes: parts.volumes.map((v) => ({ ...v, persistentVolumeClaim: { claimName: volume, readOnly: true } })),
          containers: [
            {
              name: 'exec',
              image: options.image ?? this.#o.image,
              imagePullPolicy: this.#o.imagePullPolicy,
              command: [...argv],
              workingDir: '/workspace',
              volumeMounts: parts.volumeMounts.map((m) => ({ ...m, readOnly: true })),
            },
          ],
        },
      },
    });
    try {
      const exitCode = await this.#awaitExit(name, options.timeoutMs ?? this.#o.timeoutMs ?? 60_000);
      const log = await core.readNamespacedPodLog({ name, namespace, limitBytes: EXEC_OUTPUT_LIMIT + 1 });
      if (Buffer.byteLength(log) > EXEC_OUTPUT_LIMIT) throw new OutputTooLongError(`the workspace helper wrote more than the ${EXEC_OUTPUT_LIMIT} bytes kept`);
      return exitCode === 0 ? { exitCode, stdout: log, stderr: '' } : { exitCode, stdout: '', stderr: log };
    } finally {
      await this.#delete(name);
    }
  }

  async #awaitExit(name: string, timeoutMs: number): Promise<number> {
    const { core, namespace } = this.#o;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pod = await core.readNamespacedPod({ name, namespace });
      const status = pod.status?.containerStatuses?.[0];
      const terminated = status?.state?.terminated;
      if (terminated !== undefined) return terminated.exitCode;
      const waiting = status?.state?.waiting;
      if (waiting?.reason !== undefined && /Err|BackOff|Invalid/.test(waiting.reason)) {
        throw new Error(`workspace helper pod ${namespace}/${name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
      }
      if (Date.now() > deadline) throw new Error(`workspace helper pod ${namespace}/${name} did not finish within ${timeoutMs / 1000} s (phase ${pod.status?.phase ?? 'unknown'})`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  #delete(name: string): Promise<void> {
    return deletePodAndWait(this.#o.core, this.#o.namespace, name);
  }
}
