/**
 * Requests to a Service the way its users make them: from a Pod inside the
 * cluster (the version-app image's client modes), never from the host.
 */
import { randomBytes } from 'node:crypto';
import type { CoreV1Api } from '@kubernetes/client-node';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What `version-app loop` prints. */
export interface LoopTally {
  readonly ok: number;
  readonly failed: number;
  /** Answers per version served. */
  readonly versions: Readonly<Record<string, number>>;
  /** Failures per error text. */
  readonly errors: Readonly<Record<string, number>>;
}

export interface ClientPod {
  /** Resolves when the Pod's container runs. */
  readonly running: Promise<void>;
  /** The container's output once it ended (rejects on a non-zero exit). */
  readonly output: Promise<string>;
}

export class InClusterClient {
  readonly #core: CoreV1Api;
  readonly #namespace: string;
  readonly #image: string;

  /** `image`: a version-app image (any version: its client modes are the same). */
  constructor(core: CoreV1Api, namespace: string, image: string) {
    this.#core = core;
    this.#namespace = namespace;
    this.#image = image;
  }

  /** Starts a Pod running `version-app ARGS…`; it is deleted once it ended. */
  start(args: readonly string[], timeoutMs = 90_000): ClientPod {
    const name = `client-${randomBytes(4).toString('hex')}`;
    const namespace = this.#namespace;
    const created = this.#core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name, labels: { 'coflow.test': 'deployments' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'client', image: this.#image, imagePullPolicy: 'Never', args: [...args] }] },
      },
    });
    let running!: () => void;
    const runningPromise = new Promise<void>((r) => (running = r));
    const output = (async () => {
      await created;
      try {
        for (const deadline = Date.now() + timeoutMs; ; await sleep(200)) {
          const pod = await this.#core.readNamespacedPod({ name, namespace });
          const state = pod.status?.containerStatuses?.[0]?.state;
          if (state?.running || state?.terminated) running();
          if (state?.terminated) {
            const log = await this.#core.readNamespacedPodLog({ name, namespace });
            if (state.terminated.exitCode !== 0) throw new Error(`client Pod ${name} (${args.join(' ')}) exited ${state.terminated.exitCode}: ${log.trim()}`);
            return log;
          }
          if (Date.now() > deadline) throw new Error(`client Pod ${name} did not end in ${timeoutMs / 1000} s: ${JSON.stringify(pod.status?.containerStatuses)}`);
        }
      } finally {
        await this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
      }
    })();
    // A Pod that fails before it runs must not leave `running` waiting.
    output.catch(() => running());
    return { running: runningPromise, output };
  }

  /** Requests `url` one after another for `seconds`. */
  async loop(url: string, seconds: number): Promise<LoopTally> {
    return parseTally(await this.start(['loop', url, `${seconds}s`]).output);
  }

  /**
   * Waits until `url` serves only `version` for a short loop (a Service's
   * endpoints follow a change within a moment), and returns that loop's tally.
   */
  async waitForOnly(url: string, version: string, timeoutMs = 60_000): Promise<LoopTally> {
    let last: LoopTally | undefined;
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
      last = await this.loop(url, 2);
      if (last.ok > 0 && last.failed === 0 && Object.keys(last.versions).join() === version) return last;
    }
    throw new Error(`${url} did not serve only ${version} within ${timeoutMs / 1000} s; last loop: ${JSON.stringify(last)}`);
  }
}

export function parseTally(output: string): LoopTally {
  const line = output.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as LoopTally;
}
